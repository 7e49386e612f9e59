//! `memcpy`, `memset` and `memcmp` for the WASM, eight bytes at a time.
//!
//! The contract is built without bulk memory (Nitro refuses the DataCount
//! section Binaryen writes with it), so Rust's `memcpy` is
//! `compiler_builtins`' portable loop: four bytes per iteration, each a
//! metered basic block. A contract moves 32-byte words and their tuples all
//! the time, and that loop was half of a swap's compute. These versions
//! move 32 bytes per block and replace `compiler_builtins`' (which are weak
//! symbols) in the WASM only.
//!
//! The loops are written so LLVM cannot turn them back into calls to the
//! very functions they define: LLVM never recognises a `memcpy` or `memset`
//! idiom inside functions of those names.

use core::ptr::{read_unaligned, write_unaligned};

/// Copies `n` bytes from `src` to `dest`, which do not overlap.
///
/// # Safety
/// As C's `memcpy`: both ranges valid for `n` bytes and disjoint.
#[no_mangle]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    let mut i = 0;
    // SAFETY: every access is below `n`, which the caller guarantees valid.
    unsafe {
        while i + 32 <= n {
            let (d, s) = (dest.add(i).cast::<u64>(), src.add(i).cast::<u64>());
            write_unaligned(d, read_unaligned(s));
            write_unaligned(d.add(1), read_unaligned(s.add(1)));
            write_unaligned(d.add(2), read_unaligned(s.add(2)));
            write_unaligned(d.add(3), read_unaligned(s.add(3)));
            i += 32;
        }
        while i + 8 <= n {
            write_unaligned(
                dest.add(i).cast::<u64>(),
                read_unaligned(src.add(i).cast::<u64>()),
            );
            i += 8;
        }
        while i < n {
            *dest.add(i) = *src.add(i);
            i += 1;
        }
    }
    dest
}

/// Sets `n` bytes at `dest` to `c`.
///
/// # Safety
/// As C's `memset`: the range valid for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    let byte = c as u8;
    let word = u64::from_ne_bytes([byte; 8]);
    let mut i = 0;
    // SAFETY: every access is below `n`, which the caller guarantees valid.
    unsafe {
        while i + 32 <= n {
            let d = dest.add(i).cast::<u64>();
            write_unaligned(d, word);
            write_unaligned(d.add(1), word);
            write_unaligned(d.add(2), word);
            write_unaligned(d.add(3), word);
            i += 32;
        }
        while i < n {
            *dest.add(i) = byte;
            i += 1;
        }
    }
    dest
}

/// Compares `n` bytes: negative, zero or positive as the first byte that
/// differs is smaller or larger in `a`.
///
/// # Safety
/// As C's `memcmp`: both ranges valid for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    // SAFETY: every access is below `n`, which the caller guarantees valid.
    unsafe {
        // Skip equal words eight bytes at a time; find the byte after.
        while i + 8 <= n
            && read_unaligned(a.add(i).cast::<u64>()) == read_unaligned(b.add(i).cast::<u64>())
        {
            i += 8;
        }
        while i < n {
            let (x, y) = (*a.add(i), *b.add(i));
            if x != y {
                return i32::from(x) - i32::from(y);
            }
            i += 1;
        }
    }
    0
}

/// `memcmp` as equality only (LLVM's `bcmp`).
///
/// # Safety
/// As [`memcmp`].
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's guarantee is memcmp's.
    unsafe { memcmp(a, b, n) }
}
