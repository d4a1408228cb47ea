// The demo corpus is embedded with include_dir!, which cargo cannot see
// through: rebuild when any file under data/demo changes.
fn main() {
    println!("cargo:rerun-if-changed=../../data/demo");
}
