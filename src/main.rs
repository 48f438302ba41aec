//! `tambang` — the command-line entry point. Everything lives in the library; this only parses
//! arguments, runs the command and turns an error into one line and a non-zero exit.

use std::process::ExitCode;

use clap::Parser;

/// Rust's allocations go to mimalloc. With glibc's allocator, threads that shared one of its
/// two arenas (see [`limit_malloc_arenas`]) queued on its lock: in an import, the thread that
/// builds a batch's statements and SQLite's thread that frees them and allocates its pages
/// spent more time in the kernel waking each other than writing, and the import took 6.2–9.5 s
/// or 5.0 s for 100,000 rows depending on which arena each thread drew. Under HTTP load at
/// 100,000 entries (`tambang bench`, 10 s a route) the entry, list, report and compare pages
/// served 29–55% more requests a second (search the same), at 135 MiB peak instead of 121.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// mimalloc's defaults keep freed memory for 10 ms and commit its arena eagerly, in huge pages
/// where the kernel allows: the server's peak under load was 179 MiB, over the 150 MB target.
/// Purging at once and committing on demand bring it to 135 MiB. This runs before anything
/// allocates (Rust's runtime allocates before `main`), because mimalloc reserves its first
/// arena on the first allocation, with the options it has then.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_MIMALLOC: extern "C" fn() = tune_mimalloc;

#[cfg(target_os = "linux")]
extern "C" fn tune_mimalloc() {
    // mimalloc 3's option numbers (`mi_option_e` in mimalloc.h).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option stores a number that mimalloc reads when it next needs it;
    // nothing else runs yet.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
    }
}

/// glibc's allocator still serves the C code: SQLite's page caches and statements, on one
/// thread per connection. glibc gives every thread that allocates an arena of its own, up to
/// eight per core, and freed memory scattered over many arenas is rarely returned; two keep
/// resident memory close to what is in use (when Rust's allocations went through glibc too,
/// peak RSS at 10,000 entries fell from 152 to 94 MiB with this).
///
/// glibc also raises its mmap threshold each time a large block is freed (up to 32 MiB), so
/// after the first big block is dropped, later ones come from the arenas and stay there; with
/// the threshold fixed at 256 KiB each goes back to the system when freed.
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
