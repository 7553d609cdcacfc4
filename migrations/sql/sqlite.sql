CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 001_initial

CREATE TABLE IF NOT EXISTS "users" ("id" VARCHAR(128) NOT NULL PRIMARY KEY, "email" VARCHAR(254), "name" VARCHAR(100), "password_hash" VARCHAR(100), "token_version" INTEGER NOT NULL, "created_at" DATETIME NOT NULL);

CREATE UNIQUE INDEX IF NOT EXISTS "user_email" ON "users" ("email");

CREATE TABLE IF NOT EXISTS "tasks" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT, "search_text" TEXT NOT NULL, "completed" INTEGER NOT NULL, "completed_at" DATETIME, "priority" INTEGER NOT NULL, "due_date" DATETIME, "position" INTEGER, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "task_user_id_created_at_id" ON "tasks" ("user_id", "created_at", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_updated_at_id" ON "tasks" ("user_id", "updated_at", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_due_date_id" ON "tasks" ("user_id", "due_date", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_priority_id" ON "tasks" ("user_id", "priority", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_position_id" ON "tasks" ("user_id", "position", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_completed_created_at" ON "tasks" ("user_id", "completed", "created_at");

CREATE TABLE IF NOT EXISTS "task_tags" ("id" INTEGER NOT NULL PRIMARY KEY, "task_id" INTEGER NOT NULL, "name" VARCHAR(64) NOT NULL, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "tasktag_task_id_name" ON "task_tags" ("task_id", "name");

INSERT INTO alembic_version (version_num) VALUES ('001_initial');

-- Running upgrade 001_initial -> 002_login_throttle

CREATE TABLE IF NOT EXISTS "login_throttles" ("key" VARCHAR(300) NOT NULL PRIMARY KEY, "failures" INTEGER NOT NULL, "window_start" DATETIME NOT NULL);

UPDATE alembic_version SET version_num='002_login_throttle' WHERE alembic_version.version_num = '001_initial';

-- Running upgrade 002_login_throttle -> 003_tasks_version

ALTER TABLE users ADD COLUMN tasks_version BIGINT NOT NULL DEFAULT 0;

UPDATE alembic_version SET version_num='003_tasks_version' WHERE alembic_version.version_num = '002_login_throttle';

-- Running upgrade 003_tasks_version -> 004_title_key_deleted_users

ALTER TABLE tasks ADD COLUMN title_key VARCHAR(400) NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS "deleted_users" ("id" VARCHAR(128) NOT NULL PRIMARY KEY, "deleted_at" DATETIME NOT NULL);

UPDATE alembic_version SET version_num='004_title_key_deleted_users' WHERE alembic_version.version_num = '003_tasks_version';

-- Running upgrade 004_title_key_deleted_users -> 005_throttle_window_index

CREATE INDEX "login_throttles_window_start" ON "login_throttles" ("window_start");

UPDATE alembic_version SET version_num='005_throttle_window_index' WHERE alembic_version.version_num = '004_title_key_deleted_users';

-- Running upgrade 005_throttle_window_index -> 006_write_safety

ALTER TABLE tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE tasks ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE INDEX "tasks_user_id_change_seq_id" ON "tasks" ("user_id", "change_seq", "id");

CREATE TABLE IF NOT EXISTS "tombstones" ("kind" VARCHAR(16) NOT NULL, "entity_id" INTEGER NOT NULL, "user_id" VARCHAR(128) NOT NULL, "version" INTEGER NOT NULL, "change_seq" INTEGER NOT NULL, "deleted_at" DATETIME NOT NULL, PRIMARY KEY ("kind", "entity_id"), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "tombstone_deleted_at" ON "tombstones" ("deleted_at");

CREATE INDEX IF NOT EXISTS "tombstone_user_id_change_seq" ON "tombstones" ("user_id", "change_seq");

CREATE TABLE IF NOT EXISTS "idempotency_keys" ("user_id" VARCHAR(128) NOT NULL, "key" VARCHAR(255) NOT NULL, "fingerprint" VARCHAR(64) NOT NULL, "status" INTEGER, "headers" TEXT, "body" TEXT, "created_at" DATETIME NOT NULL, PRIMARY KEY ("user_id", "key"), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "idempotencykey_created_at" ON "idempotency_keys" ("created_at");

UPDATE alembic_version SET version_num='006_write_safety' WHERE alembic_version.version_num = '005_throttle_window_index';

-- Running upgrade 006_write_safety -> 007_access_tokens

CREATE TABLE IF NOT EXISTS "access_tokens" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" DATETIME NOT NULL, "expires_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "accesstoken_token_hash" ON "access_tokens" ("token_hash");

CREATE INDEX IF NOT EXISTS "accesstoken_user_id_created_at" ON "access_tokens" ("user_id", "created_at");

UPDATE alembic_version SET version_num='007_access_tokens' WHERE alembic_version.version_num = '006_write_safety';

-- Running upgrade 007_access_tokens -> 008_lists_subtasks

CREATE TABLE IF NOT EXISTS "lists" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "name_key" VARCHAR(400) NOT NULL, "color" VARCHAR(16), "position" VARCHAR(255) NOT NULL, "task_count" INTEGER NOT NULL, "open_count" INTEGER NOT NULL, "version" INTEGER NOT NULL, "change_seq" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "todolist_user_id_name_key" ON "lists" ("user_id", "name_key");

CREATE INDEX IF NOT EXISTS "todolist_user_id_position_id" ON "lists" ("user_id", "position", "id");

CREATE INDEX IF NOT EXISTS "todolist_user_id_change_seq_id" ON "lists" ("user_id", "change_seq", "id");

ALTER TABLE users ADD COLUMN default_list_id BIGINT;

ALTER TABLE tasks ADD COLUMN list_id BIGINT REFERENCES lists (id) ON DELETE CASCADE;

ALTER TABLE tasks ADD COLUMN parent_id BIGINT REFERENCES tasks (id) ON DELETE CASCADE;

ALTER TABLE tasks ADD COLUMN sort_key VARCHAR(255);

CREATE INDEX "tasks_list_id_parent_id_sort_key_id" ON "tasks" ("list_id", "parent_id", "sort_key", "id");

CREATE INDEX "tasks_list_id_created_at_id" ON "tasks" ("list_id", "created_at", "id");

CREATE INDEX "tasks_user_id_sort_key_id" ON "tasks" ("user_id", "sort_key", "id");

CREATE INDEX "tasks_parent_id" ON "tasks" ("parent_id");

UPDATE alembic_version SET version_num='008_lists_subtasks' WHERE alembic_version.version_num = '007_access_tokens';

-- Running upgrade 008_lists_subtasks -> 009_events

CREATE TABLE IF NOT EXISTS "events" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "at" DATETIME NOT NULL, "data" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "event_at" ON "events" ("at");

CREATE INDEX IF NOT EXISTS "event_user_id_id" ON "events" ("user_id", "id");

CREATE TABLE IF NOT EXISTS "event_tickets" ("ticket_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "expires_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "eventticket_expires_at" ON "event_tickets" ("expires_at");

CREATE TABLE IF NOT EXISTS "webhooks" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "url" VARCHAR(2000) NOT NULL, "events" VARCHAR(400) NOT NULL, "secret" VARCHAR(100) NOT NULL, "created_at" DATETIME NOT NULL, "active" INTEGER NOT NULL, "cursor" INTEGER NOT NULL, "attempts" INTEGER NOT NULL, "failing_since" DATETIME, "next_attempt_at" DATETIME, "claimed_by" VARCHAR(64), "claimed_until" DATETIME, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "webhook_user_id_id" ON "webhooks" ("user_id", "id");

CREATE INDEX IF NOT EXISTS "webhook_active_next_attempt_at" ON "webhooks" ("active", "next_attempt_at");

CREATE TABLE IF NOT EXISTS "webhook_attempts" ("id" INTEGER NOT NULL PRIMARY KEY, "webhook_id" INTEGER NOT NULL, "event_id" INTEGER NOT NULL, "type" VARCHAR(32) NOT NULL, "attempt" INTEGER NOT NULL, "status_code" INTEGER, "error" VARCHAR(300), "at" DATETIME NOT NULL, "next_attempt_at" DATETIME, FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "webhookattempt_webhook_id_id" ON "webhook_attempts" ("webhook_id", "id");

UPDATE alembic_version SET version_num='009_events' WHERE alembic_version.version_num = '008_lists_subtasks';

-- Running upgrade 009_events -> 010_recurrence_reminders

ALTER TABLE users ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';

ALTER TABLE tasks ADD COLUMN recurrence VARCHAR(500);

ALTER TABLE tasks ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';

ALTER TABLE tasks ADD COLUMN series_id BIGINT;

ALTER TABLE tasks ADD COLUMN previous_id BIGINT;

ALTER TABLE tasks ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 1;

ALTER TABLE tasks ADD COLUMN reminders TEXT;

CREATE UNIQUE INDEX "tasks_previous_id" ON "tasks" ("previous_id");

CREATE TABLE IF NOT EXISTS "reminders" ("id" INTEGER NOT NULL PRIMARY KEY, "task_id" INTEGER NOT NULL, "user_id" VARCHAR(128) NOT NULL, "spec" VARCHAR(100) NOT NULL, "fire_at" DATETIME, "fired_at" DATETIME, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "reminder_task_id" ON "reminders" ("task_id");

CREATE INDEX IF NOT EXISTS "reminder_fire_at" ON "reminders" ("fire_at");

CREATE INDEX IF NOT EXISTS "reminder_user_id_fire_at" ON "reminders" ("user_id", "fire_at");

UPDATE alembic_version SET version_num='010_recurrence_reminders' WHERE alembic_version.version_num = '009_events';

-- Running upgrade 010_recurrence_reminders -> 011_ids_never_reused

CREATE TABLE "lists__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "name_key" VARCHAR(400) NOT NULL, "color" VARCHAR(16), "position" VARCHAR(255) NOT NULL, "task_count" INTEGER NOT NULL, "open_count" INTEGER NOT NULL, "version" INTEGER NOT NULL, "change_seq" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

INSERT INTO "lists__rebuilt" SELECT * FROM "lists";

DROP TABLE "lists";

ALTER TABLE "lists__rebuilt" RENAME TO "lists";

CREATE UNIQUE INDEX "todolist_user_id_name_key" ON "lists" ("user_id", "name_key");

CREATE INDEX "todolist_user_id_position_id" ON "lists" ("user_id", "position", "id");

CREATE INDEX "todolist_user_id_change_seq_id" ON "lists" ("user_id", "change_seq", "id");

DELETE FROM "tombstones" WHERE "kind" = 'list' AND "entity_id" IN (SELECT "id" FROM "lists");

DELETE FROM sqlite_sequence WHERE name = 'lists';

INSERT INTO sqlite_sequence (name, seq) SELECT 'lists', MAX(0, COALESCE((SELECT MAX("id") FROM "lists"), 0), COALESCE((SELECT MAX("entity_id") FROM "tombstones" WHERE "kind" = 'list'), 0));

CREATE TABLE "tasks__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT, "search_text" TEXT NOT NULL, "completed" INTEGER NOT NULL, "completed_at" DATETIME, "priority" INTEGER NOT NULL, "due_date" DATETIME, "position" INTEGER, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "title_key" VARCHAR(400) NOT NULL DEFAULT '', "version" BIGINT NOT NULL DEFAULT 1, "change_seq" BIGINT NOT NULL DEFAULT 0, "list_id" BIGINT REFERENCES "lists" ("id") ON DELETE CASCADE, "parent_id" BIGINT REFERENCES "tasks" ("id") ON DELETE CASCADE, "sort_key" VARCHAR(255), "recurrence" VARCHAR(500), "time_zone" VARCHAR(64) NOT NULL DEFAULT 'UTC', "series_id" BIGINT, "previous_id" BIGINT, "occurrence" INTEGER NOT NULL DEFAULT 1, "reminders" TEXT, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

INSERT INTO "tasks__rebuilt" SELECT * FROM "tasks";

DROP TABLE "tasks";

ALTER TABLE "tasks__rebuilt" RENAME TO "tasks";

CREATE INDEX "task_user_id_created_at_id" ON "tasks" ("user_id", "created_at", "id");

CREATE INDEX "task_user_id_updated_at_id" ON "tasks" ("user_id", "updated_at", "id");

CREATE INDEX "task_user_id_due_date_id" ON "tasks" ("user_id", "due_date", "id");

CREATE INDEX "task_user_id_priority_id" ON "tasks" ("user_id", "priority", "id");

CREATE INDEX "task_user_id_position_id" ON "tasks" ("user_id", "position", "id");

CREATE INDEX "task_user_id_completed_created_at" ON "tasks" ("user_id", "completed", "created_at");

CREATE INDEX "tasks_user_id_change_seq_id" ON "tasks" ("user_id", "change_seq", "id");

CREATE INDEX "tasks_list_id_parent_id_sort_key_id" ON "tasks" ("list_id", "parent_id", "sort_key", "id");

CREATE INDEX "tasks_list_id_created_at_id" ON "tasks" ("list_id", "created_at", "id");

CREATE INDEX "tasks_user_id_sort_key_id" ON "tasks" ("user_id", "sort_key", "id");

CREATE INDEX "tasks_parent_id" ON "tasks" ("parent_id");

CREATE UNIQUE INDEX "tasks_previous_id" ON "tasks" ("previous_id");

DELETE FROM "tombstones" WHERE "kind" = 'task' AND "entity_id" IN (SELECT "id" FROM "tasks");

DELETE FROM sqlite_sequence WHERE name = 'tasks';

INSERT INTO sqlite_sequence (name, seq) SELECT 'tasks', MAX(0, COALESCE((SELECT MAX("id") FROM "tasks"), 0), COALESCE((SELECT MAX("entity_id") FROM "tombstones" WHERE "kind" = 'task'), 0));

CREATE TABLE "access_tokens__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" DATETIME NOT NULL, "expires_at" DATETIME, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

INSERT INTO "access_tokens__rebuilt" SELECT * FROM "access_tokens";

DROP TABLE "access_tokens";

ALTER TABLE "access_tokens__rebuilt" RENAME TO "access_tokens";

CREATE UNIQUE INDEX "accesstoken_token_hash" ON "access_tokens" ("token_hash");

CREATE INDEX "accesstoken_user_id_created_at" ON "access_tokens" ("user_id", "created_at");

DELETE FROM sqlite_sequence WHERE name = 'access_tokens';

INSERT INTO sqlite_sequence (name, seq) SELECT 'access_tokens', MAX(0, COALESCE((SELECT MAX("id") FROM "access_tokens"), 0));

CREATE TABLE "webhooks__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "url" VARCHAR(2000) NOT NULL, "events" VARCHAR(400) NOT NULL, "secret" VARCHAR(100) NOT NULL, "created_at" DATETIME NOT NULL, "active" INTEGER NOT NULL, "cursor" INTEGER NOT NULL, "attempts" INTEGER NOT NULL, "failing_since" DATETIME, "next_attempt_at" DATETIME, "claimed_by" VARCHAR(64), "claimed_until" DATETIME, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

INSERT INTO "webhooks__rebuilt" SELECT * FROM "webhooks";

DROP TABLE "webhooks";

ALTER TABLE "webhooks__rebuilt" RENAME TO "webhooks";

CREATE INDEX "webhook_user_id_id" ON "webhooks" ("user_id", "id");

CREATE INDEX "webhook_active_next_attempt_at" ON "webhooks" ("active", "next_attempt_at");

DELETE FROM sqlite_sequence WHERE name = 'webhooks';

INSERT INTO sqlite_sequence (name, seq) SELECT 'webhooks', MAX(0, COALESCE((SELECT MAX("id") FROM "webhooks"), 0));

CREATE TABLE "reminders__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "task_id" INTEGER NOT NULL, "user_id" VARCHAR(128) NOT NULL, "spec" VARCHAR(100) NOT NULL, "fire_at" DATETIME, "fired_at" DATETIME, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

INSERT INTO "reminders__rebuilt" SELECT * FROM "reminders";

DROP TABLE "reminders";

ALTER TABLE "reminders__rebuilt" RENAME TO "reminders";

CREATE INDEX "reminder_task_id" ON "reminders" ("task_id");

CREATE INDEX "reminder_fire_at" ON "reminders" ("fire_at");

CREATE INDEX "reminder_user_id_fire_at" ON "reminders" ("user_id", "fire_at");

DELETE FROM sqlite_sequence WHERE name = 'reminders';

INSERT INTO sqlite_sequence (name, seq) SELECT 'reminders', MAX(0, COALESCE((SELECT MAX("id") FROM "reminders"), 0));

UPDATE alembic_version SET version_num='011_ids_never_reused' WHERE alembic_version.version_num = '010_recurrence_reminders';

-- Running upgrade 011_ids_never_reused -> 012_ticket_credentials

ALTER TABLE "event_tickets" ADD COLUMN "personal_token_hash" VARCHAR(64);

ALTER TABLE "event_tickets" ADD COLUMN "token_version" INTEGER;

ALTER TABLE "event_tickets" ADD COLUMN "token_expires_at" DATETIME;

UPDATE alembic_version SET version_num='012_ticket_credentials' WHERE alembic_version.version_num = '011_ids_never_reused';

-- Running upgrade 012_ticket_credentials -> 013_oauth

CREATE TABLE IF NOT EXISTS "oauth_clients" ("id" INTEGER NOT NULL PRIMARY KEY, "client_id" VARCHAR(255) NOT NULL, "name" VARCHAR(100), "redirect_uris" TEXT NOT NULL, "auth_method" VARCHAR(32) NOT NULL, "secret_hash" VARCHAR(64), "registered_from" VARCHAR(64), "created_at" DATETIME NOT NULL, "document_expires_at" DATETIME);

CREATE UNIQUE INDEX IF NOT EXISTS "oauthclient_client_id" ON "oauth_clients" ("client_id");

CREATE INDEX IF NOT EXISTS "oauthclient_registered_from_created_at" ON "oauth_clients" ("registered_from", "created_at");

CREATE TABLE IF NOT EXISTS "oauth_connections" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" VARCHAR(128) NOT NULL, "client_id" INTEGER NOT NULL, "scopes" VARCHAR(64) NOT NULL, "created_at" DATETIME NOT NULL, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, FOREIGN KEY ("client_id") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthconnection_client_id" ON "oauth_connections" ("client_id");

CREATE INDEX IF NOT EXISTS "oauthconnection_user_id_id" ON "oauth_connections" ("user_id", "id");

CREATE TABLE IF NOT EXISTS "oauth_codes" ("code_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "client_id" INTEGER NOT NULL, "user_id" VARCHAR(128) NOT NULL, "redirect_uri" VARCHAR(2000) NOT NULL, "code_challenge" VARCHAR(128) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "expires_at" DATETIME NOT NULL, "used_at" DATETIME, "connection_id" INTEGER, FOREIGN KEY ("client_id") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, FOREIGN KEY ("connection_id") REFERENCES "oauth_connections" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthcode_expires_at" ON "oauth_codes" ("expires_at");

CREATE TABLE IF NOT EXISTS "oauth_refresh_tokens" ("token_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "connection_id" INTEGER NOT NULL, "expires_at" DATETIME NOT NULL, "rotated_at" DATETIME, FOREIGN KEY ("connection_id") REFERENCES "oauth_connections" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthrefreshtoken_connection_id" ON "oauth_refresh_tokens" ("connection_id");

CREATE INDEX IF NOT EXISTS "oauthrefreshtoken_expires_at" ON "oauth_refresh_tokens" ("expires_at");

ALTER TABLE "access_tokens" ADD COLUMN "connection_id" INTEGER REFERENCES "oauth_connections" ("id") ON DELETE CASCADE;

CREATE INDEX "access_tokens_connection_id" ON "access_tokens" ("connection_id");

UPDATE alembic_version SET version_num='013_oauth' WHERE alembic_version.version_num = '012_ticket_credentials';

-- Running upgrade 013_oauth -> 014_caldav

ALTER TABLE tasks ADD COLUMN uid VARCHAR(255) NOT NULL DEFAULT '';

ALTER TABLE tasks ADD COLUMN dav_name VARCHAR(255);

ALTER TABLE tasks ADD COLUMN ical_extra TEXT;

ALTER TABLE lists ADD COLUMN dav_name VARCHAR(255);

UPDATE tasks SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));

CREATE UNIQUE INDEX "tasks_user_id_uid" ON "tasks" ("user_id", "uid");

CREATE INDEX "tasks_user_id_dav_name" ON "tasks" ("user_id", "dav_name");

CREATE INDEX "tasks_list_id_change_seq" ON "tasks" ("list_id", "change_seq");

CREATE UNIQUE INDEX "lists_user_id_dav_name" ON "lists" ("user_id", "dav_name");

CREATE TABLE IF NOT EXISTS "departures" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "list_id" INTEGER NOT NULL, "uid" VARCHAR(255) NOT NULL, "dav_name" VARCHAR(255), "change_seq" INTEGER NOT NULL, "left_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "departure_left_at" ON "departures" ("left_at");

CREATE INDEX IF NOT EXISTS "departure_list_id_change_seq" ON "departures" ("list_id", "change_seq");

UPDATE alembic_version SET version_num='014_caldav' WHERE alembic_version.version_num = '013_oauth';
