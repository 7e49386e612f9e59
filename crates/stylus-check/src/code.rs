//! How a Stylus program is laid out on chain, as cargo-stylus 0.10 deploys it.
//!
//! - A program whose compressed code fits one account (24 KiB with its
//!   prefix) is one contract: [`EOF_PREFIX`] and the brotli bytes.
//! - A larger one (ArbOS 60+) is split into fragment contracts, each
//!   [`FRAGMENT_PREFIX`] and a slice of the brotli bytes, plus a root
//!   contract: [`ROOT_PREFIX`], the uncompressed size (u32, big-endian) and
//!   the fragments' addresses in order.
//! - Each of those is created by init code that returns it: a 43-byte EVM
//!   prelude ([`initcode`]).
//!
//! The deploy tool uses this to show offline what would be sent, and to read
//! a deployed program back ([`decode`]) and compare it with the tested WASM.

use crate::FRAGMENT_BYTES;

/// Prefix of a one-piece program: Stylus, brotli, no dictionary.
pub const EOF_PREFIX: [u8; 4] = [0xef, 0xf0, 0x00, 0x00];
/// Prefix of one fragment of a larger program.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xef, 0xf0, 0x01];
/// Prefix of a fragmented program's root: brotli, no dictionary.
pub const ROOT_PREFIX: [u8; 4] = [0xef, 0xf0, 0x02, 0x00];
/// Bytes of EVM init code before the code it deploys.
pub const PRELUDE_BYTES: usize = 43;

/// Brotli as cargo-stylus compresses: quality 11, window 22.
#[must_use]
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &wasm[..], &mut out, &params);
    out
}

/// A program's on-chain pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One contract's code.
    Single(Vec<u8>),
    /// Fragment contracts' code, in order; the root is [`root`] of their
    /// addresses and `uncompressed` size.
    Fragments {
        /// Each fragment's code, prefix included.
        fragments: Vec<Vec<u8>>,
        /// Bytes of the uncompressed WASM, which the root records.
        uncompressed: u32,
    },
}

impl Layout {
    /// Lays out a WASM module as cargo-stylus would.
    #[must_use]
    pub fn of(wasm: &[u8]) -> Self {
        let compressed = compress(wasm);
        if compressed.len() + EOF_PREFIX.len() <= FRAGMENT_BYTES {
            return Self::Single([&EOF_PREFIX[..], &compressed].concat());
        }
        Self::Fragments {
            fragments: compressed
                .chunks(FRAGMENT_BYTES - FRAGMENT_PREFIX.len())
                .map(|chunk| [&FRAGMENT_PREFIX[..], chunk].concat())
                .collect(),
            uncompressed: u32::try_from(wasm.len()).unwrap_or(u32::MAX),
        }
    }
}

/// A fragmented program's root code.
#[must_use]
pub fn root(uncompressed: u32, fragments: &[[u8; 20]]) -> Vec<u8> {
    let mut code = ROOT_PREFIX.to_vec();
    code.extend(uncompressed.to_be_bytes());
    fragments.iter().for_each(|a| code.extend(a));
    code
}

/// EVM init code that deploys `code`: `PUSH32 len, DUP1, PUSH1 43, PUSH1 0,
/// CODECOPY, PUSH1 0, RETURN`, a version byte 0, then the code.
#[must_use]
pub fn initcode(code: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PRELUDE_BYTES + code.len());
    out.push(0x7f);
    out.extend([0u8; 24]);
    out.extend((code.len() as u64).to_be_bytes());
    out.extend([
        0x80,
        0x60,
        PRELUDE_BYTES as u8,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xf3,
        0x00,
    ]);
    out.extend(code);
    out
}

/// Why deployed code could not be read back as a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The code has neither a program nor a root prefix.
    NotStylus,
    /// A root's fragment list is malformed, or a fragment lacks its prefix.
    BadFragments,
    /// Fetching a fragment's code failed.
    Fetch(String),
    /// The brotli stream is corrupt, larger than the chain allows, or its
    /// size differs from the root's.
    BadCompression,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotStylus => f.write_str("the code is not a Stylus program"),
            Self::BadFragments => f.write_str("the root's fragments are malformed"),
            Self::Fetch(e) => write!(f, "could not read a fragment: {e}"),
            Self::BadCompression => f.write_str("the compressed program is corrupt or too large"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Reads a deployed program back into its WASM, fetching fragments' code
/// with `fetch` when `code` is a root.
///
/// # Errors
/// [`DecodeError`] if the code is not a program cargo-stylus would deploy.
pub fn decode(
    code: &[u8],
    mut fetch: impl FnMut([u8; 20]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, DecodeError> {
    if let Some(compressed) = code.strip_prefix(&EOF_PREFIX[..]) {
        return decompress(compressed, None);
    }
    let rest = code
        .strip_prefix(&ROOT_PREFIX[..])
        .ok_or(DecodeError::NotStylus)?;
    let (size, addresses) = rest.split_at_checked(4).ok_or(DecodeError::BadFragments)?;
    if addresses.is_empty() || addresses.len() % 20 != 0 {
        return Err(DecodeError::BadFragments);
    }
    let mut compressed = Vec::new();
    for address in addresses.chunks_exact(20) {
        let mut a = [0u8; 20];
        a.copy_from_slice(address);
        let fragment = fetch(a).map_err(DecodeError::Fetch)?;
        compressed.extend(
            fragment
                .strip_prefix(&FRAGMENT_PREFIX[..])
                .ok_or(DecodeError::BadFragments)?,
        );
    }
    let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
    decompress(&compressed, Some(size as usize))
}

/// Decompresses at most one byte past the chain's `MaxWasmSize`, so code
/// from an untrusted address cannot expand without bound.
fn decompress(compressed: &[u8], size: Option<usize>) -> Result<Vec<u8>, DecodeError> {
    use std::io::Read;
    let mut wasm = Vec::new();
    brotli::Decompressor::new(compressed, 4096)
        .take(crate::MAX_WASM_BYTES as u64 + 1)
        .read_to_end(&mut wasm)
        .map_err(|_| DecodeError::BadCompression)?;
    if wasm.len() > crate::MAX_WASM_BYTES {
        return Err(DecodeError::BadCompression);
    }
    match size {
        Some(size) if size != wasm.len() => Err(DecodeError::BadCompression),
        _ => Ok(wasm),
    }
}

/// The module without its custom sections (names, producers, cargo-stylus's
/// project hash): what runs, for comparing a deployed program with a build.
///
/// # Errors
/// The parser's message if the module is malformed.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = wasm.get(..8).ok_or("shorter than a WASM header")?.to_vec();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if matches!(payload, wasmparser::Payload::CustomSection(_)) {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            out.push(id);
            let mut len = range.len();
            loop {
                let byte = (len & 0x7f) as u8;
                len >>= 7;
                out.push(if len == 0 { byte } else { byte | 0x80 });
                if len == 0 {
                    break;
                }
            }
            out.extend(&wasm[range]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Incompressible bytes, so the compressed size is known in advance.
    fn noise(len: usize) -> Vec<u8> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn a_small_program_is_one_contract_and_reads_back() {
        let wasm = b"\0asm\x01\0\0\0 a small program".to_vec();
        let Layout::Single(code) = Layout::of(&wasm) else {
            panic!("one contract expected");
        };
        assert_eq!(code[..4], EOF_PREFIX);
        assert_eq!(decode(&code, |_| Err("no fragments".into())), Ok(wasm));
    }

    #[test]
    fn a_large_program_splits_into_prefixed_fragments_under_a_root() {
        let wasm = noise(60_000);
        let layout = Layout::of(&wasm);
        let Layout::Fragments {
            fragments,
            uncompressed,
        } = &layout
        else {
            panic!("fragments expected");
        };
        assert_eq!(*uncompressed, 60_000);
        // Noise does not compress: 60,000+ bytes in chunks of 24,573.
        assert_eq!(fragments.len(), 3);
        assert!(fragments[..2].iter().all(|f| f.len() == FRAGMENT_BYTES));
        assert!(fragments.iter().all(|f| f[..3] == FRAGMENT_PREFIX));
        let addresses = [[1u8; 20], [2; 20], [3; 20]];
        let root = root(*uncompressed, &addresses);
        assert_eq!(root.len(), 4 + 4 + 60);
        assert_eq!(root[4..8], 60_000u32.to_be_bytes());
        let read = decode(&root, |a| Ok(fragments[usize::from(a[0]) - 1].clone()));
        assert_eq!(read, Ok(wasm));
    }

    #[test]
    fn reading_refuses_what_is_not_a_program() {
        assert_eq!(
            decode(b"\x60\x00", |_| Ok(vec![])),
            Err(DecodeError::NotStylus)
        );
        let bad_root = [&ROOT_PREFIX[..], &[0, 0, 0, 1], &[7; 19]].concat();
        assert_eq!(
            decode(&bad_root, |_| Ok(vec![])),
            Err(DecodeError::BadFragments)
        );
        let root = root(10, &[[1; 20]]);
        assert_eq!(
            decode(&root, |_| Ok(b"\xef\xf0\x00".to_vec())),
            Err(DecodeError::BadFragments)
        );
        let wrong_size = [&FRAGMENT_PREFIX[..], &compress(b"eleven bytes")].concat();
        assert_eq!(
            decode(&root, |_| Ok(wrong_size.clone())),
            Err(DecodeError::BadCompression)
        );
    }

    #[test]
    fn stripping_drops_only_custom_sections() {
        // Header, a custom section "n" with one byte, an empty type section.
        let with_custom = b"\0asm\x01\0\0\0\x00\x03\x01n\x07\x01\x01\x00".to_vec();
        let plain = b"\0asm\x01\0\0\0\x01\x01\x00".to_vec();
        assert_eq!(strip_custom_sections(&with_custom), Ok(plain.clone()));
        assert_eq!(strip_custom_sections(&plain), Ok(plain));
        assert!(strip_custom_sections(b"\0asm").is_err());
    }

    #[test]
    fn initcode_returns_the_code_after_its_prelude() {
        let code = [0xab; 300];
        let init = initcode(&code);
        assert_eq!(init.len(), PRELUDE_BYTES + 300);
        // PUSH32 300 (big-endian), then DUP1 PUSH1 43 PUSH1 0 CODECOPY PUSH1 0 RETURN.
        assert_eq!(init[0], 0x7f);
        assert_eq!(init[31..33], [0x01, 0x2c]);
        assert_eq!(
            init[33..42],
            [0x80, 0x60, 43, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3]
        );
        assert_eq!(init[42], 0);
        assert_eq!(init[43..], code);
    }
}
