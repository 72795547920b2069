//! The copies of the error-code list are generated from the one list in src/error.rs
//! (`edgescore::error::CODES`): the JavaScript package's `ERROR_CODES` (pkg/src/errors.js), its
//! `ErrorCode` union (pkg/edgescore.d.ts), the rentals gate's `GATE_ERROR_CODES`
//! (www/worker/codes.mjs) and the table in docs/errors.md. Each copy sits
//! between two marker lines; this test fails when what is there differs from what the list
//! gives, and `EDGESCORE_BLESS=1 cargo test --features cli error_codes` rewrites it.

use std::collections::BTreeSet;

use edgescore::error::{CodeInfo, CodeScope, CODES};

const BEGIN: &str = "Generated from the list in src/error.rs";
const END: &str = "End of the generated error codes.";

/// A file holding a copy of the list.
struct ListCopy {
    path: &'static str,
    /// The file as stored.
    stored: &'static str,
    /// The copy the list gives.
    render: fn() -> String,
}

const COPIES: [ListCopy; 4] = [
    ListCopy { path: "pkg/src/errors.js", stored: include_str!("../../pkg/src/errors.js"), render: javascript_list },
    ListCopy { path: "pkg/edgescore.d.ts", stored: include_str!("../../pkg/edgescore.d.ts"), render: typescript_union },
    ListCopy { path: "www/worker/codes.mjs", stored: include_str!("../../www/worker/codes.mjs"), render: gate_list },
    ListCopy { path: "docs/errors.md", stored: include_str!("../../docs/errors.md"), render: docs_table },
];

/// The codes the JavaScript package can report, in list order.
fn package_codes() -> impl Iterator<Item = &'static CodeInfo> {
    CODES.iter().filter(|info| info.scope.in_javascript_package())
}

fn javascript_list() -> String {
    let mut out = String::from(
        "/** Every error code the package can report: the core's (not the model lifecycle's) and `ERR_INTERNAL`. */\n\
         export const ERROR_CODES = Object.freeze([\n",
    );
    for info in package_codes() {
        out.push_str(&format!("  '{}',\n", info.code));
    }
    out.push_str("]);\n");
    out
}

fn gate_list() -> String {
    let mut out = String::from(
        "/** The codes only the rentals gate answers with, each with its meaning (docs/errors.md). */\n\
         export const GATE_ERROR_CODES = Object.freeze([\n",
    );
    for info in CODES.iter().filter(|info| info.scope == CodeScope::Gate) {
        out.push_str(&format!("  '{}', // {}\n", info.code, info.meaning));
    }
    out.push_str("]);\n");
    out
}

fn typescript_union() -> String {
    let mut out = String::from(
        "/** Every error code the package reports (docs/errors.md). Codes are API; messages are not. */\n\
         export type ErrorCode =\n",
    );
    let codes: Vec<&CodeInfo> = package_codes().collect();
    for (index, info) in codes.iter().enumerate() {
        let end = if index + 1 == codes.len() { ";" } else { "" };
        out.push_str(&format!("  /** {} */\n  | '{}'{end}\n", info.meaning, info.code));
    }
    out
}

fn docs_table() -> String {
    let mut out = String::from("| code | reported by | meaning |\n|---|---|---|\n");
    for info in &CODES {
        out.push_str(&format!("| `{}` | {} | {} |\n", info.code, info.scope.reported_by(), info.meaning));
    }
    out
}

/// `text` with the lines between the marker lines replaced by `generated`; an error when the
/// markers are missing, repeated or out of order.
fn with_generated(text: &str, generated: &str) -> Result<String, String> {
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        return Err(format!("no lines marked {BEGIN:?} … {END:?}"));
    };
    if text.matches(BEGIN).count() != 1 || text.matches(END).count() != 1 || end < begin {
        return Err("the markers must appear once each, in order".to_owned());
    }
    let after_begin_line = text[begin..].find('\n').map(|n| begin + n + 1).ok_or("nothing after the first marker")?;
    let end_line_start = text[..end].rfind('\n').map_or(0, |n| n + 1);
    if end_line_start < after_begin_line {
        return Err("the markers must be on separate lines".to_owned());
    }
    Ok(format!("{}{generated}{}", &text[..after_begin_line], &text[end_line_start..]))
}

#[test]
fn error_code_copies_match_the_list() {
    let bless = std::env::var_os("EDGESCORE_BLESS").is_some();
    let mut stale = Vec::new();
    for ListCopy { path, stored, render } in COPIES {
        let expected = with_generated(stored, &render()).unwrap_or_else(|e| panic!("{path}: {e}"));
        if expected == stored {
            continue;
        }
        if bless {
            std::fs::write(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")), expected).unwrap();
        } else {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from the error codes in src/error.rs: run `EDGESCORE_BLESS=1 cargo test --features cli error_codes` and review the diff"
    );
}

#[test]
fn an_edited_copy_is_caught() {
    for ListCopy { path, stored, render } in COPIES {
        let current = with_generated(stored, &render()).unwrap();
        let generated = render();
        let dropped: String =
            generated.lines().filter(|l| !l.contains("ERR_TOO_OLD")).map(|l| format!("{l}\n")).collect();
        let edits = [
            generated.replacen("ERR_EXPIRED", "ERR_EXPIRED_TOKEN", 1),
            dropped,
            generated.replacen("ERR_AUDIENCE", "ERR_AUDIENCE\n  'ERR_EXTRA',", 1),
            generated.replacen("the signature does not verify", "the signature is bad", 1),
        ];
        for (index, edit) in edits.iter().enumerate() {
            if !edit.contains("ERR_") || *edit == generated {
                continue; // This edit does not apply to this copy (no meanings in the JavaScript list).
            }
            let edited = with_generated(&current, edit).unwrap();
            assert_ne!(with_generated(&edited, &generated).unwrap(), edited, "{path}: edit {index} not caught");
        }
        let unmarked = current.replace(END, "end");
        assert!(with_generated(&unmarked, &generated).is_err(), "{path}: a lost marker is not caught");
    }
}

/// The package's JavaScript sources (pkg/src/), each of which may name codes.
const PACKAGE_SOURCES: [(&str, &str); 8] = [
    ("pkg/src/errors.js", include_str!("../../pkg/src/errors.js")),
    ("pkg/src/module.js", include_str!("../../pkg/src/module.js")),
    ("pkg/src/options.js", include_str!("../../pkg/src/options.js")),
    ("pkg/src/keysets.js", include_str!("../../pkg/src/keysets.js")),
    ("pkg/src/scorer.js", include_str!("../../pkg/src/scorer.js")),
    ("pkg/src/holder.js", include_str!("../../pkg/src/holder.js")),
    ("pkg/src/receipts.js", include_str!("../../pkg/src/receipts.js")),
    ("pkg/src/api.js", include_str!("../../pkg/src/api.js")),
];

#[test]
fn the_package_source_names_only_codes_it_can_report() {
    let listed: BTreeSet<&str> = package_codes().map(|info| info.code).collect();
    for (path, source) in PACKAGE_SOURCES {
        let mut named = BTreeSet::new();
        for (at, _) in source.match_indices("'ERR_") {
            let code = &source[at + 1..];
            let end = code.find('\'').unwrap();
            named.insert(&code[..end]);
        }
        if path == COPIES[0].path {
            assert!(named.len() >= listed.len(), "{path} names {} codes", named.len());
        }
        let unknown: Vec<&&str> = named.difference(&listed).collect();
        assert!(unknown.is_empty(), "{path} names codes the package cannot report: {unknown:?}");
    }
}

/// Every `'ERR_…'` the rentals gate's modules name is one it may answer with: edgescore's (the
/// package's list) or the gate's own.
#[test]
fn the_gate_names_only_codes_of_the_list() {
    let sources = [
        include_str!("../../www/worker/gate.mjs"),
        include_str!("../../www/worker/http.mjs"),
        include_str!("../../www/worker/limits.mjs"),
        include_str!("../../www/worker/nonces.mjs"),
        include_str!("../../www/worker/remote.mjs"),
    ];
    let listed: BTreeSet<&str> = CODES
        .iter()
        .filter(|info| info.scope.in_javascript_package() || info.scope == CodeScope::Gate)
        .map(|info| info.code)
        .collect();
    let mut named = BTreeSet::new();
    for source in sources {
        for (at, _) in source.match_indices("'ERR_") {
            let code = &source[at + 1..];
            named.insert(&code[..code.find('\'').unwrap()]);
        }
    }
    assert!(named.len() >= 15, "the gate names {} codes", named.len());
    let unknown: Vec<&&str> = named.difference(&listed).collect();
    assert!(unknown.is_empty(), "www/worker names codes that are not in src/error.rs: {unknown:?}");
}
