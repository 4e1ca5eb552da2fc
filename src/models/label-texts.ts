/**
 * Extra training examples that describe each label, for `voc train`: a coded sample of 8 rows per
 * label is small, and the researcher's own words for a label (its codeframe entry, or the label
 * name itself) are the cheapest extra evidence there is. On BANKING77 with 8 examples per intent,
 * the intent names alone add about 2 accuracy points (docs/eval.md).
 */

/** What a codeframe theme says about a label (a LoadedCodeframe from config/ fits: models/ does not import config/). */
export interface LabelDescription {
  id: string;
  label: string;
  description: string;
  examples: readonly string[];
}

export interface LabelTexts {
  texts: Record<string, string[]>;
  /** Labels described by a codeframe theme, and labels described by their own name. */
  fromCodeframe: string[];
  fromName: string[];
}

/** "card_arrival" -> "card arrival", "LateDelivery" -> "Late Delivery"; null for codes ("42", "A1": no two letters in a row). */
export function labelAsText(label: string): string | null {
  const words = label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_./:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return /\p{L}{2}/u.test(words) ? words : null;
}

/**
 * Per label: the matching codeframe theme's label, description and examples (matched by id, or by
 * label text ignoring case), else the label name as a phrase. Labels that are codes ("3", "A1")
 * get nothing.
 */
export function labelTextsFor(labels: readonly string[], codeframe: { themes: readonly LabelDescription[] } | null): LabelTexts {
  const byKey = new Map<string, LabelDescription>();
  for (const t of codeframe?.themes ?? []) {
    byKey.set(t.id.toLowerCase(), t);
    byKey.set(t.label.toLowerCase(), t);
  }
  const out: LabelTexts = { texts: {}, fromCodeframe: [], fromName: [] };
  for (const label of labels) {
    const theme = byKey.get(label.toLowerCase());
    if (theme) {
      out.texts[label] = [theme.label, theme.description, ...theme.examples].map((t) => t.trim()).filter((t) => t.length > 0);
      out.fromCodeframe.push(label);
      continue;
    }
    const name = labelAsText(label);
    if (name) {
      out.texts[label] = [name];
      out.fromName.push(label);
    }
  }
  return out;
}
