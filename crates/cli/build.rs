//! Embeds the example plans (examples/*/) so that `gyokaku demo` works from
//! any directory.
use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time of the build script (not compiled in), so that a
    // build script built for another checkout never reads that one.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("../../examples");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from("pub const EXAMPLES: &[(&str, &str, &str)] = &[\n");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.join("plan.yaml").exists()) {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files.iter().filter(|f| f.is_file()) {
            println!("cargo:rerun-if-changed={}", f.display());
            let dir_name = dir.file_name().unwrap_or_default().to_string_lossy();
            let file_name = f.file_name().unwrap_or_default().to_string_lossy();
            let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
            let _ = writeln!(
                out,
                "    ({dir_name:?}, {file_name:?}, include_str!({:?})),",
                abs.display().to_string()
            );
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("cannot write examples.rs: {e}"));
}
