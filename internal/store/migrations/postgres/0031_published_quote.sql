-- The words a published fact-check is about, as published: when a revision
-- changes them, the public page keeps showing them (and what the article
-- now reads) until a fact-checker decides.
ALTER TABLE claims ADD COLUMN pub_quote TEXT NOT NULL DEFAULT '';
UPDATE claims SET pub_quote = quote WHERE published_at IS NOT NULL;
