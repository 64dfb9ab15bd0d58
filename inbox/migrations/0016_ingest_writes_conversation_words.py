"""Ingest writes its messages' search words in its own update of their conversations.

The statement trigger of 0011 updated every conversation of a page a second time (a new row version,
its fourteen indexes) right before ingest's update; ingest now sets `promptly.ingest_adds_words` around
its insert, and the trigger leaves those words to it. Every other insert still gets its words from here.
"""

import importlib

from django.db import migrations

search_document = importlib.import_module("inbox.migrations.0011_conversation_search_document")

ADD_WORDS = """
CREATE OR REPLACE FUNCTION promptly_add_conversation_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('promptly.ingest_adds_words', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE inbox_conversation AS conversation
  SET search_document = CASE
      WHEN length(COALESCE(conversation.search_document, '')) >= 20000 THEN conversation.search_document
      ELSE COALESCE(conversation.search_document, '') || added.words END
  FROM ({words}) AS added
  WHERE conversation.id = added.conversation_id;
  RETURN NULL;
END
$$;
""".format(words=search_document.WORDS_BY_CONVERSATION.format(messages="new_messages"))

EVERY_INSERT_ADDS_WORDS = search_document.CREATE_WORDS_TRIGGER.split("CREATE TRIGGER", 1)[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0015_priority_sort_walks_an_index"),
    ]

    operations = [migrations.RunSQL(ADD_WORDS, EVERY_INSERT_ADDS_WORDS)]
