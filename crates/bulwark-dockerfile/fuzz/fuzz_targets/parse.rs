#![no_main]
//! Parses arbitrary bytes and locates tokens in the result; nothing may panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let doc = bulwark_dockerfile::parse_bytes(data);
    for ins in doc.instructions() {
        // Tokens as the BW rules look them up: a word of the arguments, and a text that may
        // span a continuation or contain multi-byte characters.
        for token in ins.text.split_whitespace().take(4) {
            let _ = doc.locate(ins, token);
        }
        let _ = doc.locate(ins, &ins.text);
        let _ = doc.source_line(ins.span.end_line.saturating_add(1));
    }
});
