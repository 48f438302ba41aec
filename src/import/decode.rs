//! Step 1, *decode*: bytes → text, saying which encoding was used. Public lists come as
//! CP949 (EUC-KR's Windows superset), UTF-8 with or without BOM, and now and then UTF-16 with
//! a BOM. Anything else that is not text (spreadsheets, images, archives) is refused here with
//! a message a user can act on, instead of producing thousands of garbage rows.

use encoding_rs::{EUC_KR, UTF_16BE, UTF_16LE};

/// The encoding a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// CP949 / EUC-KR (`encoding_rs::EUC_KR` is the windows-949 superset).
    Cp949,
    /// An `.xlsx` workbook (one sheet, turned into CSV text).
    Xlsx,
}

impl TextEncoding {
    /// The name shown to users and stored with the import.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Utf16Le => "UTF-16LE (BOM)",
            Self::Utf16Be => "UTF-16BE (BOM)",
            Self::Cp949 => "CP949",
            Self::Xlsx => "XLSX",
        }
    }
}

/// A decoded file. Undecodable bytes became U+FFFD; the rows holding them are rejected later
/// with their line numbers rather than failing the whole file.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: TextEncoding,
    /// How many undecodable byte sequences were replaced.
    pub invalid_sequences: usize,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
}

/// Why a file cannot be read as a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("빈 파일입니다 (the file is empty)")]
    Empty,
    #[error(
        "예전 엑셀(xls)·한글(hwp) 파일은 읽지 않습니다. 엑셀에서 'Excel 통합 문서(xlsx)' 또는 'CSV'로 저장해 올려 주세요 (old .xls/.hwp files are not read: save as .xlsx or CSV)"
    )]
    Spreadsheet,
    #[error(
        "압축(zip) 파일이지만 엑셀 통합 문서(xlsx)가 아닙니다 (a zip archive that is not an .xlsx workbook)"
    )]
    Zip,
    #[error(
        "PDF 파일은 읽지 않습니다. 목록을 CSV나 xlsx로 받아 주세요 (PDF files are not read: get the list as CSV or .xlsx)"
    )]
    Pdf,
    #[error("{0}")]
    Xlsx(#[from] crate::import::xlsx::XlsxError),
    #[error(
        "텍스트 파일이 아닙니다. CSV·TSV 목록만 가져올 수 있습니다 (not a text file: only CSV/TSV lists can be imported)"
    )]
    Binary,
}

/// Decodes `bytes`: the first sheet of an `.xlsx` workbook, else text (see `decode_with`).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(bytes, None)
}

/// Decodes `bytes`: an `.xlsx` workbook's `sheet` (default: the first worksheet) as CSV text;
/// else BOMs first, then strict UTF-8, then mostly-UTF-8 with a few broken bytes, then CP949.
/// Refuses other binary files.
pub fn decode_with(bytes: &[u8], sheet: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if !crate::import::xlsx::is_xlsx(bytes) {
            return Err(DecodeError::Zip);
        }
        let sheet = crate::import::xlsx::sheet_text(bytes, sheet)?;
        return Ok(Decoded {
            text: sheet.text,
            encoding: TextEncoding::Xlsx,
            invalid_sequences: 0,
            sheet: Some(sheet.sheet),
        });
    }
    // OLE2 (xls, hwp): say what to do instead.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DecodeError::Spreadsheet);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(DecodeError::Pdf);
    }
    // A large binary file is refused from its first bytes instead of being decoded whole.
    if bytes.len() > SAMPLE && decode_text(&bytes[..SAMPLE]).is_err() {
        return Err(DecodeError::Binary);
    }
    decode_text(bytes)
}

/// Bytes looked at before a large file is decoded whole (a cut character at the end of the
/// sample is one replacement character, far below the binary threshold).
const SAMPLE: usize = 64 * 1024;

fn decode_text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        lossy_utf8(rest, TextEncoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, TextEncoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, TextEncoding::Utf16Be)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Decoded {
            text: text.to_owned(),
            encoding: TextEncoding::Utf8,
            invalid_sequences: 0,
            sheet: None,
        }
    } else if mostly_utf8(bytes) {
        lossy_utf8(bytes, TextEncoding::Utf8)
    } else {
        let (text, _) = EUC_KR.decode_without_bom_handling(bytes);
        let text = text.into_owned();
        let invalid_sequences = text.matches('\u{FFFD}').count();
        Decoded {
            text,
            encoding: TextEncoding::Cp949,
            invalid_sequences,
            sheet: None,
        }
    };
    if looks_binary(&decoded) {
        return Err(DecodeError::Binary);
    }
    Ok(decoded)
}

fn lossy_utf8(bytes: &[u8], encoding: TextEncoding) -> Decoded {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let invalid_sequences = bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count();
    Decoded {
        text,
        encoding,
        invalid_sequences,
        sheet: None,
    }
}

fn utf16(bytes: &[u8], encoding: TextEncoding) -> Decoded {
    let enc = if encoding == TextEncoding::Utf16Le {
        UTF_16LE
    } else {
        UTF_16BE
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let text = text.into_owned();
    let invalid_sequences = text.matches('\u{FFFD}').count();
    Decoded {
        text,
        encoding,
        invalid_sequences,
        sheet: None,
    }
}

/// UTF-8 with a few broken bytes (a hand-edited file) rather than CP949: valid multi-byte
/// characters outnumber broken sequences ten to one. CP949 Hangul is almost never valid UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut broken) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            broken += 1;
        }
    }
    valid >= 10 * broken.max(1)
}

/// NUL bytes, many control characters or many replacement characters mean this is no list.
fn looks_binary(d: &Decoded) -> bool {
    let total = d.text.chars().count().max(1);
    let control = d
        .text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{c}'))
        .count();
    let replaced = d.text.matches('\u{FFFD}').count();
    d.text.contains('\0') || control * 100 > total || replaced * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "기관명,대표자\n다솜이재단,김가나\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), (TextEncoding::Utf8, SAMPLE));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (TextEncoding::Utf8Bom, SAMPLE)
        );
    }

    #[test]
    fn cp949_including_the_extended_syllables() {
        let text = format!("{SAMPLE}똠방각하,뷁\n");
        let (bytes, _, _) = EUC_KR.encode(&text);
        let d = decode(&bytes).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (TextEncoding::Cp949, text.as_str())
        );
        assert_eq!(d.invalid_sequences, 0);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(SAMPLE.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap().text, SAMPLE);
        let mut be = vec![0xFE, 0xFF];
        be.extend(SAMPLE.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap().encoding, TextEncoding::Utf16Be);
    }

    #[test]
    fn a_few_broken_bytes_stay_utf8() {
        let mut bytes = SAMPLE.repeat(5).into_bytes();
        bytes.extend_from_slice(b"\xFF\xFE\xFD,x\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert_eq!(d.invalid_sequences, 3);
    }

    #[test]
    fn binary_empty_and_spreadsheets_are_refused() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b"PK\x03\x04rest").unwrap_err(), DecodeError::Zip);
        assert_eq!(
            decode(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1]).unwrap_err(),
            DecodeError::Spreadsheet
        );
        assert_eq!(decode(b"%PDF-1.7\n").unwrap_err(), DecodeError::Pdf);
        // A cheap deterministic pseudo-random stream.
        let mut x: u32 = 12345;
        let noise: Vec<u8> = (0..10_000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        assert_eq!(decode(&noise).unwrap_err(), DecodeError::Binary);
    }
}
