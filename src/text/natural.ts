/**
 * The one door to `natural`: the Porter stemmer, the word tokenizer and the English stopword list,
 * each required from its own submodule on first use. natural's index files load every language's
 * stemmers and tokenizers (and the package index also dotenv and more), so neither is imported,
 * and a CLI start-up (`voc --help`, `voc status`) loads nothing of natural at all.
 * The submodules ship no type declarations; the shapes used are declared here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let porter: { stem(word: string): string } | undefined;
let tokenizer: { tokenize(text: string): string[] | null } | undefined;
let stopwords: ReadonlySet<string> | undefined;

/** Porter stem of one (lower-case) word. */
export function porterStem(word: string): string {
  porter ??= require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };
  return porter.stem(word);
}

/** natural's WordTokenizer: runs of letters, digits and underscores. */
export function wordTokenize(text: string): string[] {
  if (!tokenizer) {
    const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as {
      WordTokenizer: new () => { tokenize(text: string): string[] | null };
    };
    tokenizer = new WordTokenizer();
  }
  return tokenizer.tokenize(text) ?? [];
}

/** natural's English stopword list. */
export function englishStopwords(): ReadonlySet<string> {
  stopwords ??= new Set((require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words);
  return stopwords;
}
