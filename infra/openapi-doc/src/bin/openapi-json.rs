//! Prints the merged OpenAPI document as pretty JSON on stdout, without a table or a server:
//! `ui/scripts/gen-api.sh` (make ui-types) commits it as `functions/api-docs/openapi.json`, the
//! file the api-docs function serves, and turns it into the UI's TypeScript types
//! (`ui/src/api/schema.d.ts`).

fn main() {
    println!("{}", openapi_doc::pretty_json());
}
