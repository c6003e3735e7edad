-- co_text: posting the exact same text after normalisation (analysis.coordination.text.normalise_text: NFKC,
-- case folding, links and @mentions removed, whitespace collapsed; at least 10 code points, so "lol" is not an
-- object). Works for any script. The object is the normalised text itself, so evidence shows what was said.
-- Cross-platform. Reads the temp table coaction_texts, which the co-action core fills first (prepare_texts).
SELECT norm_text AS object_id, platform, account_id, event_id, ts FROM coaction_texts
