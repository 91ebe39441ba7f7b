// Where each rule is explained to a reader: the link to its README section (anchored by its code)
// and to the Rustonomicon. The rules' own words live in the catalogue (rules/index.ts).
export const DOCS_BASE_URL = 'https://github.com/rust-send-sync/rust-send-sync';
export const SEND_SYNC_DOCS_URL = 'https://doc.rust-lang.org/nomicon/send-and-sync.html';

export function ruleDocsUrl(code: string): string {
  return `${DOCS_BASE_URL}#${code}`;
}
