//! Compressed indexes: gzip, xz and zstd, recognised by their magic bytes (the file name can
//! lie, a mirror can serve an index uncompressed), read as a stream.

use std::io::{BufRead, BufReader, Read};

/// The compression of a blob, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `1f 8b`.
    Gzip,
    /// `fd 37 7a 58 5a 00`.
    Xz,
    /// `28 b5 2f fd`.
    Zstd,
    /// Anything else.
    None,
}

impl Compression {
    /// Recognises `bytes` by magic number.
    pub fn detect(bytes: &[u8]) -> Self {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// A buffered reader of the decompressed content of `bytes`.
pub fn reader(bytes: &[u8]) -> std::io::Result<Box<dyn BufRead + '_>> {
    let inner: Box<dyn Read + '_> = match Compression::detect(bytes) {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(bytes)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(bytes)?),
        Compression::None => Box::new(bytes),
    };
    Ok(Box::new(BufReader::with_capacity(64 << 10, inner)))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    fn roundtrip(compressed: &[u8], want: Compression) {
        assert_eq!(Compression::detect(compressed), want);
        let mut out = String::new();
        reader(compressed)
            .expect("reader")
            .read_to_string(&mut out)
            .expect("decompresses");
        assert_eq!(out, "Package: a\nVersion: 1\n");
    }

    #[test]
    fn reads_every_compression() {
        let text = b"Package: a\nVersion: 1\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text).expect("gzip");
        roundtrip(&gz.finish().expect("gzip"), Compression::Gzip);
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(text).expect("xz");
        roundtrip(&xz.finish().expect("xz"), Compression::Xz);
        roundtrip(
            &zstd::encode_all(&text[..], 3).expect("zstd"),
            Compression::Zstd,
        );
        roundtrip(text, Compression::None);
    }

    #[test]
    fn truncated_streams_fail() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&[b'x'; 10_000]).expect("gzip");
        let full = gz.finish().expect("gzip");
        let mut out = Vec::new();
        let result = reader(&full[..full.len() / 2])
            .expect("reader")
            .read_to_end(&mut out);
        assert!(
            result.is_err(),
            "a cut gzip stream is an error, not a short index"
        );
    }
}
