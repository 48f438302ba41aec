//! `tambang` — the command-line entry point. Everything lives in the library; this only parses
//! arguments, runs the command and turns an error into one line and a non-zero exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = tambang::cli::Cli::parse();
    tambang::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tambang::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives every thread that allocates an arena of its own, up to eight per core; the
/// server has tokio's workers, the blocking pool and one thread per SQLite connection, and
/// freed memory scattered over a dozen arenas is rarely returned, so resident memory grew to
/// several times the live heap under load (`tambang bench` measures peak RSS). Two arenas keep
/// it close to what is in use, at no measurable cost in throughput on two cores.
///
/// glibc also raises its mmap threshold each time a large block is freed (up to 32 MiB), so
/// after the first big vector is dropped, later ones come from the arenas and stay there. The
/// mention dictionary's build makes a few dozen vectors of megabytes; with the threshold fixed
/// at 256 KiB each goes back to the system when dropped, and the start-up peak at 100,000
/// entries fell from 114–124 to 100–108 MiB (steady state unchanged).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: `mallopt` only changes allocator settings; it runs before any other thread
    // exists and its return value (0 on an unknown option) needs no handling.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
