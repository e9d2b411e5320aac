-- Calendar keys: a key that may read only the iCalendar feed.
--
-- Calendar clients cannot send headers, so the feed takes its key in the URL,
-- where it is copied into calendar apps, shared calendars and proxy logs. A
-- key made for that reads the feed and nothing else; an ordinary key keeps
-- working everywhere. Only viewer keys may be calendar keys (checked when the
-- key is created).
ALTER TABLE api_keys ADD COLUMN calendar_only BOOLEAN NOT NULL DEFAULT FALSE;
