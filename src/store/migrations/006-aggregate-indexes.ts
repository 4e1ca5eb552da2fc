/**
 * Indexes for aggregation and queries in SQL (issue 11): the fact stream walks segments in
 * (document_id, idx) order (the existing UNIQUE index) and looks analyses, themes and emotions up
 * by segment id (their primary keys); these cover the remaining lookups by value.
 */
export const aggregateIndexesSchema = /* sql */ `
-- Overall NPS of a scope: NPS-scale documents with a score.
CREATE INDEX documents_nps ON documents(score_scale, score) WHERE score IS NOT NULL;
-- Date-bounded scopes (--since / --until) and per-source summaries.
CREATE INDEX documents_created ON documents(created_at);
CREATE INDEX documents_source ON documents(source_name, kind);
-- --emotion filters and emotion quotes: segments showing an emotion, strongest first.
CREATE INDEX segment_emotions_emotion ON segment_emotions(emotion, score);
`;
