//! Report photos, pure: what an uploaded file really is (by its bytes, never its name), whether
//! it is safe to decode (the header's dimensions are checked before any pixel is decoded, so a
//! small file that claims a gigapixel image is refused), the thumbnail, and a file name that
//! can never name a path.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// The largest photo file accepted (one request carries one photo and a little form data).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The longest side an image may have.
pub const MAX_SIDE: u32 = 12_000;
/// The most pixels an image may have (40 megapixels: 160 MB decoded as RGBA).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Decoders may allocate at most this much (the pixel buffer plus their own tables).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Thumbnails fit in a square of this side.
pub const THUMB_SIDE: u32 = 480;
/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 120;

/// The image formats accepted, known by their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

impl PhotoFormat {
    /// The MIME type served.
    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Webp => "image/webp",
        }
    }

    /// The file-name extension that goes with it.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Png => "png",
            PhotoFormat::Webp => "webp",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            PhotoFormat::Jpeg => ImageFormat::Jpeg,
            PhotoFormat::Png => ImageFormat::Png,
            PhotoFormat::Webp => ImageFormat::WebP,
        }
    }
}

/// The format the bytes say they are: JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, WebP
/// `RIFF <size> WEBP`. Anything else (including an empty file) is `None`.
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(PhotoFormat::Webp)
    } else {
        None
    }
}

/// Why a photo was refused. Every message is Korean with English in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoError {
    Empty,
    TooLarge { bytes: usize },
    NotAnImage,
    TooManyPixels { width: u32, height: u32 },
    Broken,
}

impl std::fmt::Display for PhotoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoError::Empty => write!(f, "파일이 비어 있습니다 (the file is empty)"),
            PhotoError::TooLarge { bytes } => write!(
                f,
                "사진 파일이 너무 큽니다: {}, 최대 {}MB (photo too large)",
                crate::web::upload::megabytes(*bytes),
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
            PhotoError::NotAnImage => write!(
                f,
                "JPEG, PNG, WebP 사진만 올릴 수 있습니다. 파일 내용이 이미지가 아닙니다 \
                 (only JPEG, PNG and WebP images; this file's content is not one)"
            ),
            PhotoError::TooManyPixels { width, height } => write!(
                f,
                "이미지가 너무 큽니다: {width}×{height} 픽셀. 한 변 최대 {MAX_SIDE} 픽셀, \
                 모두 {}만 화소까지 올릴 수 있습니다 (image dimensions too large)",
                MAX_PIXELS / 10_000
            ),
            PhotoError::Broken => write!(
                f,
                "이미지 파일이 손상되어 읽을 수 없습니다 (the image is damaged and cannot be read)"
            ),
        }
    }
}

impl std::error::Error for PhotoError {}

/// A checked photo ready to store: the original bytes and a thumbnail.
#[derive(Debug, Clone)]
pub struct ProcessedPhoto {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
    pub thumb_format: PhotoFormat,
    pub thumb_width: u32,
    pub thumb_height: u32,
    /// Lower-case hex SHA-256 of the original bytes (the ETag).
    pub sha256: String,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// The dimensions the image header declares, without decoding pixels.
pub fn header_dimensions(bytes: &[u8], format: PhotoFormat) -> Result<(u32, u32), PhotoError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    // The header is read with no limits so that an oversized image is reported with its size.
    reader.no_limits();
    reader.into_dimensions().map_err(|_| PhotoError::Broken)
}

/// Refuses dimensions beyond `MAX_SIDE` a side or `MAX_PIXELS` in all.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(PhotoError::Broken);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    Ok(())
}

/// Checks an uploaded file and makes its thumbnail (see the module doc).
pub fn process(bytes: &[u8]) -> Result<ProcessedPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge { bytes: bytes.len() });
    }
    let format = sniff(bytes).ok_or(PhotoError::NotAnImage)?;
    let (width, height) = header_dimensions(bytes, format)?;
    check_dimensions(width, height)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Broken)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Broken)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let thumb = if img.width() > THUMB_SIDE || img.height() > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img
    };
    let (thumbnail, thumb_format) = encode_thumbnail(&thumb)?;
    Ok(ProcessedPhoto {
        format,
        width,
        height,
        thumbnail,
        thumb_format,
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        sha256: sha256_hex(bytes),
    })
}

/// JPEG (quality 82) for opaque images, PNG when the image has an alpha channel, so a
/// transparent logo does not turn black.
fn encode_thumbnail(img: &DynamicImage) -> Result<(Vec<u8>, PhotoFormat), PhotoError> {
    let mut out = Vec::new();
    if img.color().has_alpha() {
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| PhotoError::Broken)?;
        Ok((out, PhotoFormat::Png))
    } else {
        let rgb = img.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&rgb)
            .map_err(|_| PhotoError::Broken)?;
        Ok((out, PhotoFormat::Jpeg))
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file name safe to store and to send back in `Content-Disposition`: the last component of
/// any path (`/` and `\` both count, so `../../etc/passwd` and `C:\x\y.jpg` lose their
/// directories), NFC, without control or bidirectional-override characters, without the
/// characters Windows forbids, no leading dots, at most 120 characters, and with the extension
/// of the format the bytes really are. Korean is kept. An empty result becomes `photo.jpg` etc.
pub fn sanitize_file_name(raw: &str, format: PhotoFormat) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = crate::domain::text::nfc(last)
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let collapsed = crate::domain::text::clean_line(&cleaned);
    let trimmed = collapsed
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let stem = match trimmed.rsplit_once('.') {
        Some((stem, _ext)) if !stem.is_empty() => stem,
        _ => trimmed,
    };
    let stem = stem.trim_end_matches(['.', ' ']);
    let ext = format.extension();
    let budget = MAX_NAME_CHARS - ext.len() - 1;
    let stem: String = stem.chars().take(budget).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    if stem.is_empty() {
        format!("photo.{ext}")
    } else {
        format!("{stem}.{ext}")
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    fn gradient(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }))
    }

    /// A PNG whose IHDR claims `w`×`h` (chunks with correct CRCs) followed by an empty IDAT
    /// and IEND: what a decoder sees first of a decompression bomb.
    fn png_header_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &[]), (b"IEND", &[])] {
            let mut chunk = kind.to_vec();
            chunk.extend_from_slice(data);
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(&chunk);
            out.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn sniffs_by_magic_bytes() {
        assert_eq!(
            sniff(&encoded(gradient(4, 4), ImageFormat::Png)),
            Some(PhotoFormat::Png)
        );
        assert_eq!(
            sniff(&encoded(gradient(4, 4), ImageFormat::Jpeg)),
            Some(PhotoFormat::Jpeg)
        );
        assert_eq!(
            sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some(PhotoFormat::Webp)
        );
        for hostile in [
            &b""[..],
            b"\xFF\xD8",
            b"RIFF\x10\x00\x00\x00WAVEfmt ",
            b"GIF89a\x01\x00\x01\x00",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            b"<html><script>alert(1)</script>",
            b"%PDF-1.7",
            b"BM\x00\x00",
        ] {
            assert_eq!(sniff(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn a_png_gets_a_jpeg_thumbnail_within_480_pixels() {
        let bytes = encoded(gradient(1200, 600), ImageFormat::Png);
        let p = process(&bytes).unwrap();
        assert_eq!(p.format, PhotoFormat::Png);
        assert_eq!((p.width, p.height), (1200, 600));
        assert_eq!((p.thumb_width, p.thumb_height), (480, 240));
        assert_eq!(sniff(&p.thumbnail), Some(PhotoFormat::Jpeg));
        assert_eq!(p.thumb_format, PhotoFormat::Jpeg);
        let back = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((back.width(), back.height()), (480, 240));
        assert_eq!(p.sha256.len(), 64);
        assert_eq!(p.sha256, sha256_hex(&bytes));
    }

    #[test]
    fn a_small_jpeg_is_not_enlarged_and_a_transparent_png_stays_png() {
        let p = process(&encoded(gradient(100, 50), ImageFormat::Jpeg)).unwrap();
        assert_eq!(p.format, PhotoFormat::Jpeg);
        assert_eq!((p.thumb_width, p.thumb_height), (100, 50));
        let clear = DynamicImage::ImageRgba8(ImageBuffer::from_pixel(600, 900, Rgba([0, 0, 0, 0])));
        let p = process(&encoded(clear, ImageFormat::Png)).unwrap();
        assert_eq!(p.thumb_format, PhotoFormat::Png);
        assert_eq!(sniff(&p.thumbnail), Some(PhotoFormat::Png));
        assert_eq!((p.thumb_width, p.thumb_height), (320, 480));
    }

    #[test]
    fn a_webp_is_accepted() {
        let bytes = encoded(gradient(64, 32), ImageFormat::WebP);
        let p = process(&bytes).unwrap();
        assert_eq!(p.format, PhotoFormat::Webp);
        assert_eq!((p.width, p.height), (64, 32));
    }

    #[test]
    fn text_and_other_formats_are_refused_whatever_their_name() {
        assert_eq!(
            process(b"hello, this is text").unwrap_err(),
            PhotoError::NotAnImage
        );
        assert_eq!(process(b"").unwrap_err(), PhotoError::Empty);
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04";
        assert_eq!(process(gif).unwrap_err(), PhotoError::NotAnImage);
        assert!(
            PhotoError::NotAnImage
                .to_string()
                .contains("JPEG, PNG, WebP")
        );
    }

    #[test]
    fn magic_bytes_with_garbage_after_them_are_broken_not_a_panic() {
        for hostile in [
            &b"\xFF\xD8\xFF\xE0garbage garbage garbage"[..],
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
            b"RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00",
            b"RIFF\xff\xff\xff\xffWEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00",
        ] {
            assert_eq!(
                process(hostile).unwrap_err(),
                PhotoError::Broken,
                "{hostile:?}"
            );
        }
        // A real image cut in half.
        let whole = encoded(gradient(300, 300), ImageFormat::Png);
        assert_eq!(
            process(&whole[..whole.len() / 2]).unwrap_err(),
            PhotoError::Broken
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        // 57 bytes that claim 100,000 × 100,000 pixels (30 GB as RGB).
        let bomb = png_header_claiming(100_000, 100_000);
        assert_eq!(bomb.len(), 57);
        assert_eq!(
            process(&bomb).unwrap_err(),
            PhotoError::TooManyPixels {
                width: 100_000,
                height: 100_000
            }
        );
        // Under the side limit, over the pixel budget.
        assert_eq!(
            check_dimensions(10_000, 9_000),
            Err(PhotoError::TooManyPixels {
                width: 10_000,
                height: 9_000
            })
        );
        assert_eq!(check_dimensions(8_000, 5_000), Ok(()));
        assert_eq!(
            check_dimensions(12_001, 10),
            Err(PhotoError::TooManyPixels {
                width: 12_001,
                height: 10
            })
        );
        assert_eq!(check_dimensions(0, 10), Err(PhotoError::Broken));
        // A real, highly compressible PNG of 13,000 × 1 is refused the same way.
        let wide = encoded(
            DynamicImage::ImageRgb8(ImageBuffer::new(13_000, 1)),
            ImageFormat::Png,
        );
        assert!(matches!(
            process(&wide),
            Err(PhotoError::TooManyPixels { width: 13_000, .. })
        ));
    }

    #[test]
    fn an_oversized_file_is_refused_before_it_is_looked_at() {
        let big = vec![0xFFu8; MAX_PHOTO_BYTES + 1];
        let err = process(&big).unwrap_err();
        assert!(matches!(err, PhotoError::TooLarge { .. }));
        assert!(err.to_string().contains("최대 10MB"));
    }

    #[test]
    fn file_names_lose_their_paths_and_keep_korean() {
        let png = PhotoFormat::Png;
        assert_eq!(sanitize_file_name("../../etc/passwd", png), "passwd.png");
        assert_eq!(sanitize_file_name("../../x.png", png), "x.png");
        assert_eq!(
            sanitize_file_name("C:\\Users\\me\\성수동 투어.png", png),
            "성수동 투어.png"
        );
        assert_eq!(sanitize_file_name("..", png), "photo.png");
        assert_eq!(sanitize_file_name("", png), "photo.png");
        assert_eq!(sanitize_file_name(".htaccess", png), "htaccess.png");
        assert_eq!(sanitize_file_name("a\u{0}b\r\nc.png", png), "abc.png");
        assert_eq!(
            sanitize_file_name("evil\u{202E}gnp.exe", PhotoFormat::Jpeg),
            "evilgnp.jpg"
        );
        assert_eq!(
            sanitize_file_name("a<b>:c?.jpeg", PhotoFormat::Jpeg),
            "a_b__c_.jpg"
        );
        // The name takes the extension the bytes prove.
        assert_eq!(
            sanitize_file_name("사진.jpg", PhotoFormat::Webp),
            "사진.webp"
        );
        // Decomposed Hangul (macOS) becomes NFC.
        assert_eq!(
            sanitize_file_name("\u{1112}\u{1161}\u{11AB}.png", png),
            "한.png"
        );
        let long = "가".repeat(500) + ".png";
        let capped = sanitize_file_name(&long, png);
        assert_eq!(capped.chars().count(), 120);
        assert!(capped.ends_with(".png"));
    }
}
