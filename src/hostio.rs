//! The raw Stylus host calls this contract makes itself: storage words,
//! transient storage and logs, without the SDK's per-access `U256`
//! conversions and copies (stylus-sdk 0.9 keeps its bindings private and has
//! none for transient storage). The WASM calls them; native builds go
//! through the SDK's host.

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "vm_hooks")]
extern "C" {
    #[link_name = "emit_log"]
    fn emit_log_raw(data: *const u8, len: usize, topics: usize);
    fn storage_load_bytes32(key: *const u8, dest: *mut u8);
    fn storage_cache_bytes32(key: *const u8, value: *const u8);
    fn transient_load_bytes32(key: *const u8, dest: *mut u8);
    fn transient_store_bytes32(key: *const u8, value: *const u8);
}

/// Emits a log: `bytes` holds `topics` 32-byte topics, then the data. A
/// log fails only in a static call, where nothing could change anyway.
pub(crate) fn emit_log(damm: &crate::Damm, bytes: &[u8], topics: usize) {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = damm;
        // SAFETY: `bytes` is valid for its length during the call.
        unsafe { emit_log_raw(bytes.as_ptr(), bytes.len(), topics) };
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use stylus_sdk::prelude::*;
        let (head, data) = bytes.split_at(32 * topics);
        let topics: alloc::vec::Vec<alloy_primitives::B256> = head
            .chunks_exact(32)
            .map(alloy_primitives::B256::from_slice)
            .collect();
        let _ = damm.vm().raw_log(&topics, data);
    }
}

/// The storage word at `key`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn load(key: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: both point to 32-byte words that outlive the call.
    unsafe { storage_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes the word at `key` into the host's storage cache, which the SDK's
/// entrypoint flushes when the call succeeds.
#[cfg(target_arch = "wasm32")]
pub(crate) fn cache(key: &[u8; 32], value: &[u8; 32]) {
    // SAFETY: as in `load`.
    unsafe { storage_cache_bytes32(key.as_ptr(), value.as_ptr()) };
}

/// The transient word at `key` (EIP-1153).
#[cfg(target_arch = "wasm32")]
pub(crate) fn transient_load(key: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: as in `load`.
    unsafe { transient_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes the transient word at `key`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn transient_store(key: &[u8; 32], value: &[u8; 32]) {
    // SAFETY: as in `load`.
    unsafe { transient_store_bytes32(key.as_ptr(), value.as_ptr()) };
}
