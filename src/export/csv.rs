//! CSV as spreadsheets read it (RFC 4180: comma, double quotes, CRLF), with
//! cells that a spreadsheet would execute as a formula neutralised (CWE-1236).

/// A leading `=`, `+`, `-` or `@` starts a formula; tab and carriage return
/// are refused too because some spreadsheets strip them and then see a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Appends one record, CRLF-terminated, to `out`.
pub fn write_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, value);
    }
    out.push_str("\r\n");
}

fn write_cell(out: &mut String, value: &str) {
    let neutralise = value.starts_with(FORMULA_STARTS);
    let quote = value.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    if quote {
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> String {
        let mut out = String::new();
        write_record(&mut out, cells.iter().copied());
        out
    }

    #[test]
    fn plain_cells_are_written_as_they_are() {
        assert_eq!(record(&["alice", "127.0.0.1", ""]), "alice,127.0.0.1,\r\n");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(
            record(&["a,b", "say \"hi\"", "two\nlines", "cr\r"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n"
        );
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            record(&["=1+1", "+49 30", "-2", "@SUM(A1)", "\t=x", "a=b"]),
            "'=1+1,'+49 30,'-2,'@SUM(A1),'\t=x,a=b\r\n"
        );
        assert_eq!(
            record(&["=HYPERLINK(\"http://x\",\"y\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
        );
    }
}
