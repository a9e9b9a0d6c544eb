//! Heap allocations per call of every benchmarked operation, counted by `allocation-counter`'s
//! global allocator (this binary only; the criterion benches run with the system
//! allocator). Prints one JSON object: `{"<case id>": {"authv": [count, bytes], "limit": [...],
//! "<peer>": [...]}, ...}` for `cargo xtask bench` to join into its table.
#![allow(missing_docs, clippy::print_stdout)]

use std::fmt::Write as _;

fn main() {
    let cases = authv_benches::all_cases(&|_| Vec::new());
    let mut out = String::from("{");
    for (i, case) in cases.iter().enumerate() {
        let _ = write!(out, "{}\"{}\":{{", if i == 0 { "" } else { "," }, case.id);
        let mut ops: Vec<(&str, &authv_benches::Op)> = vec![("authv", &case.authv), ("limit", &case.limit)];
        ops.extend(case.peers.iter().map(|(name, op)| (*name, op)));
        for (j, (which, op)) in ops.into_iter().enumerate() {
            // Warm first: one-time work (a cache fill, a lazily built table) is not per-verify cost.
            assert!(op() && op(), "{} {which} did not verify", case.id);
            let mut ok = false;
            let info = allocation_counter::measure(|| ok = op());
            assert!(ok, "{} {which} did not verify", case.id);
            let _ =
                write!(out, "{}\"{which}\":[{},{}]", if j == 0 { "" } else { "," }, info.count_total, info.bytes_total);
        }
        out.push('}');
    }
    out.push('}');
    println!("{out}");
}
