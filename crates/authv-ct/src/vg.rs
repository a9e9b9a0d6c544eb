//! The three valgrind client requests the harness needs, issued with valgrind's documented x86-64
//! "special instruction" sequence (valgrind.h, `VALGRIND_DO_CLIENT_REQUEST_EXPR` for amd64).
//!
//! Why not a crate: `valgrind_request` needs a nightly compiler, and `crabgrind` generates its
//! bindings with bindgen at build time, which needs libclang and clang's headers on every machine
//! that builds the workspace (`cargo test --workspace` included). One `asm!` block here avoids any
//! build-time system dependency. Natively the sequence is a no-op that leaves `default` in place,
//! so every request answers "not under valgrind" and the harness refuses to report.

/// `VG_USERREQ__RUNNING_ON_VALGRIND`.
const RUNNING_ON_VALGRIND: usize = 0x1001;
/// `VG_USERREQ_TOOL_BASE('M', 'C')`: memcheck's requests start here.
const MC_BASE: usize = (b'M' as usize) << 24 | (b'C' as usize) << 16;
/// `VG_USERREQ__MAKE_MEM_UNDEFINED`.
const MAKE_MEM_UNDEFINED: usize = MC_BASE + 1;
/// `VG_USERREQ__MAKE_MEM_DEFINED`.
const MAKE_MEM_DEFINED: usize = MC_BASE + 2;
/// `VG_USERREQ__GET_VBITS`.
const GET_VBITS: usize = MC_BASE + 8;

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn request(default: usize, args: &[usize; 6]) -> usize {
    let result: usize;
    // SAFETY: this is valgrind's client-request sequence for amd64, copied from valgrind.h. The four
    // rotations of rdi total 128 bits, so rdi ends as it started (it is still declared clobbered);
    // `xchg rbx, rbx` leaves rbx unchanged. Natively the whole sequence therefore changes nothing but
    // the flags, and rdx keeps `default`. Under valgrind the JIT recognizes the sequence, reads the six
    // words at rax (`args`, borrowed for the duration of the block) and writes the answer to rdx. The
    // requests used here change only valgrind's shadow state of the named memory, never its bytes.
    // The block is not `nomem`, so the compiler keeps memory accesses ordered around it, as the C
    // macro's "memory" clobber does.
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") default => result,
            in("rax") args.as_ptr(),
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
    result
}

#[cfg(not(target_arch = "x86_64"))]
fn request(default: usize, _args: &[usize; 6]) -> usize {
    // Other architectures: never claims to run under valgrind, so the gate fails closed.
    default
}

/// Whether the process runs under valgrind (`RUNNING_ON_VALGRIND`: 0 natively).
pub(crate) fn running_on_valgrind() -> bool {
    request(0, &[RUNNING_ON_VALGRIND, 0, 0, 0, 0, 0]) != 0
}

/// `VALGRIND_MAKE_MEM_UNDEFINED` on `bytes`. Returns false when the request was not served (not
/// under memcheck: the default answer 0 comes back; memcheck answers -1).
pub(crate) fn make_undefined(bytes: &[u8]) -> bool {
    request(0, &[MAKE_MEM_UNDEFINED, bytes.as_ptr() as usize, bytes.len(), 0, 0, 0]) == usize::MAX
}

/// `VALGRIND_MAKE_MEM_DEFINED` on `bytes` (see [`make_undefined`]).
pub(crate) fn make_defined(bytes: &[u8]) -> bool {
    request(0, &[MAKE_MEM_DEFINED, bytes.as_ptr() as usize, bytes.len(), 0, 0, 0]) == usize::MAX
}

/// Whether any bit of `bytes` is undefined (`VALGRIND_GET_VBITS`, which reads memcheck's validity
/// bits without reporting anything). `None` when the request was not served.
pub(crate) fn is_undefined(bytes: &[u8]) -> Option<bool> {
    let mut vbits = vec![0u8; bytes.len()];
    let served = request(0, &[GET_VBITS, bytes.as_ptr() as usize, vbits.as_mut_ptr() as usize, bytes.len(), 0, 0]) == 1;
    served.then(|| std::hint::black_box(&vbits).iter().any(|&v| v != 0))
}
