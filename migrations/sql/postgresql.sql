BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 001_initial

CREATE TABLE IF NOT EXISTS "users" ("id" VARCHAR(128) NOT NULL PRIMARY KEY, "email" VARCHAR(254), "name" VARCHAR(100), "password_hash" VARCHAR(100), "token_version" INTEGER NOT NULL, "created_at" TIMESTAMP NOT NULL);

CREATE UNIQUE INDEX IF NOT EXISTS "user_email" ON "users" ("email");

CREATE TABLE IF NOT EXISTS "tasks" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT, "search_text" TEXT NOT NULL, "completed" BOOLEAN NOT NULL, "completed_at" TIMESTAMP, "priority" SMALLINT NOT NULL, "due_date" TIMESTAMP, "position" BIGINT, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "task_user_id_created_at_id" ON "tasks" ("user_id", "created_at", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_updated_at_id" ON "tasks" ("user_id", "updated_at", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_due_date_id" ON "tasks" ("user_id", "due_date", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_priority_id" ON "tasks" ("user_id", "priority", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_position_id" ON "tasks" ("user_id", "position", "id");

CREATE INDEX IF NOT EXISTS "task_user_id_completed_created_at" ON "tasks" ("user_id", "completed", "created_at");

CREATE TABLE IF NOT EXISTS "task_tags" ("id" SERIAL NOT NULL PRIMARY KEY, "task_id" BIGINT NOT NULL, "name" VARCHAR(64) NOT NULL, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "tasktag_task_id_name" ON "task_tags" ("task_id", "name");

INSERT INTO alembic_version (version_num) VALUES ('001_initial') RETURNING alembic_version.version_num;

-- Running upgrade 001_initial -> 002_login_throttle

CREATE TABLE IF NOT EXISTS "login_throttles" ("key" VARCHAR(300) NOT NULL PRIMARY KEY, "failures" INTEGER NOT NULL, "window_start" TIMESTAMP NOT NULL);

UPDATE alembic_version SET version_num='002_login_throttle' WHERE alembic_version.version_num = '001_initial';

-- Running upgrade 002_login_throttle -> 003_tasks_version

ALTER TABLE users ADD COLUMN tasks_version BIGINT NOT NULL DEFAULT 0;

UPDATE alembic_version SET version_num='003_tasks_version' WHERE alembic_version.version_num = '002_login_throttle';

-- Running upgrade 003_tasks_version -> 004_title_key_deleted_users

ALTER TABLE tasks ADD COLUMN title_key VARCHAR(400) NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS "deleted_users" ("id" VARCHAR(128) NOT NULL PRIMARY KEY, "deleted_at" TIMESTAMP NOT NULL);

UPDATE alembic_version SET version_num='004_title_key_deleted_users' WHERE alembic_version.version_num = '003_tasks_version';

-- Running upgrade 004_title_key_deleted_users -> 005_throttle_window_index

CREATE INDEX "login_throttles_window_start" ON "login_throttles" ("window_start");

UPDATE alembic_version SET version_num='005_throttle_window_index' WHERE alembic_version.version_num = '004_title_key_deleted_users';

-- Running upgrade 005_throttle_window_index -> 006_write_safety

ALTER TABLE tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE tasks ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE INDEX "tasks_user_id_change_seq_id" ON "tasks" ("user_id", "change_seq", "id");

CREATE TABLE IF NOT EXISTS "tombstones" ("kind" VARCHAR(16) NOT NULL, "entity_id" BIGINT NOT NULL, "user_id" VARCHAR(128) NOT NULL, "version" BIGINT NOT NULL, "change_seq" BIGINT NOT NULL, "deleted_at" TIMESTAMP NOT NULL, PRIMARY KEY ("kind", "entity_id"), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "tombstone_deleted_at" ON "tombstones" ("deleted_at");

CREATE INDEX IF NOT EXISTS "tombstone_user_id_change_seq" ON "tombstones" ("user_id", "change_seq");

CREATE TABLE IF NOT EXISTS "idempotency_keys" ("user_id" VARCHAR(128) NOT NULL, "key" VARCHAR(255) NOT NULL, "fingerprint" VARCHAR(64) NOT NULL, "status" SMALLINT, "headers" TEXT, "body" TEXT, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("user_id", "key"), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "idempotencykey_created_at" ON "idempotency_keys" ("created_at");

UPDATE alembic_version SET version_num='006_write_safety' WHERE alembic_version.version_num = '005_throttle_window_index';

-- Running upgrade 006_write_safety -> 007_access_tokens

CREATE TABLE IF NOT EXISTS "access_tokens" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" TIMESTAMP NOT NULL, "expires_at" TIMESTAMP, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "accesstoken_token_hash" ON "access_tokens" ("token_hash");

CREATE INDEX IF NOT EXISTS "accesstoken_user_id_created_at" ON "access_tokens" ("user_id", "created_at");

UPDATE alembic_version SET version_num='007_access_tokens' WHERE alembic_version.version_num = '006_write_safety';

-- Running upgrade 007_access_tokens -> 008_lists_subtasks

CREATE TABLE IF NOT EXISTS "lists" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "name" VARCHAR(100) NOT NULL, "name_key" VARCHAR(400) NOT NULL, "color" VARCHAR(16), "position" VARCHAR(255) NOT NULL COLLATE "C", "task_count" INTEGER NOT NULL, "open_count" INTEGER NOT NULL, "version" BIGINT NOT NULL, "change_seq" BIGINT NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE UNIQUE INDEX IF NOT EXISTS "todolist_user_id_name_key" ON "lists" ("user_id", "name_key");

CREATE INDEX IF NOT EXISTS "todolist_user_id_position_id" ON "lists" ("user_id", "position", "id");

CREATE INDEX IF NOT EXISTS "todolist_user_id_change_seq_id" ON "lists" ("user_id", "change_seq", "id");

ALTER TABLE users ADD COLUMN default_list_id BIGINT;

ALTER TABLE tasks ADD COLUMN list_id BIGINT REFERENCES lists (id) ON DELETE CASCADE;

ALTER TABLE tasks ADD COLUMN parent_id BIGINT REFERENCES tasks (id) ON DELETE CASCADE;

ALTER TABLE tasks ADD COLUMN sort_key VARCHAR(255) COLLATE "C";

CREATE INDEX "tasks_list_id_parent_id_sort_key_id" ON "tasks" ("list_id", "parent_id", "sort_key", "id");

CREATE INDEX "tasks_list_id_created_at_id" ON "tasks" ("list_id", "created_at", "id");

CREATE INDEX "tasks_user_id_sort_key_id" ON "tasks" ("user_id", "sort_key", "id");

CREATE INDEX "tasks_parent_id" ON "tasks" ("parent_id");

UPDATE alembic_version SET version_num='008_lists_subtasks' WHERE alembic_version.version_num = '007_access_tokens';

-- Running upgrade 008_lists_subtasks -> 009_events

CREATE TABLE IF NOT EXISTS "events" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "at" TIMESTAMP NOT NULL, "data" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "event_at" ON "events" ("at");

CREATE INDEX IF NOT EXISTS "event_user_id_id" ON "events" ("user_id", "id");

CREATE TABLE IF NOT EXISTS "event_tickets" ("ticket_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "expires_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "eventticket_expires_at" ON "event_tickets" ("expires_at");

CREATE TABLE IF NOT EXISTS "webhooks" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "url" VARCHAR(2000) NOT NULL, "events" VARCHAR(400) NOT NULL, "secret" VARCHAR(100) NOT NULL, "created_at" TIMESTAMP NOT NULL, "active" BOOLEAN NOT NULL, "cursor" BIGINT NOT NULL, "attempts" INTEGER NOT NULL, "failing_since" TIMESTAMP, "next_attempt_at" TIMESTAMP, "claimed_by" VARCHAR(64), "claimed_until" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "webhook_user_id_id" ON "webhooks" ("user_id", "id");

CREATE INDEX IF NOT EXISTS "webhook_active_next_attempt_at" ON "webhooks" ("active", "next_attempt_at");

CREATE TABLE IF NOT EXISTS "webhook_attempts" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "webhook_id" BIGINT NOT NULL, "event_id" BIGINT NOT NULL, "type" VARCHAR(32) NOT NULL, "attempt" INTEGER NOT NULL, "status_code" INTEGER, "error" VARCHAR(300), "at" TIMESTAMP NOT NULL, "next_attempt_at" TIMESTAMP, FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE);

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

CREATE TABLE IF NOT EXISTS "reminders" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "task_id" BIGINT NOT NULL, "user_id" VARCHAR(128) NOT NULL, "spec" VARCHAR(100) NOT NULL, "fire_at" TIMESTAMP, "fired_at" TIMESTAMP, FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "reminder_task_id" ON "reminders" ("task_id");

CREATE INDEX IF NOT EXISTS "reminder_fire_at" ON "reminders" ("fire_at");

CREATE INDEX IF NOT EXISTS "reminder_user_id_fire_at" ON "reminders" ("user_id", "fire_at");

UPDATE alembic_version SET version_num='010_recurrence_reminders' WHERE alembic_version.version_num = '009_events';

-- Running upgrade 010_recurrence_reminders -> 011_ids_never_reused

UPDATE alembic_version SET version_num='011_ids_never_reused' WHERE alembic_version.version_num = '010_recurrence_reminders';

-- Running upgrade 011_ids_never_reused -> 012_ticket_credentials

ALTER TABLE "event_tickets" ADD COLUMN "personal_token_hash" VARCHAR(64);

ALTER TABLE "event_tickets" ADD COLUMN "token_version" INTEGER;

ALTER TABLE "event_tickets" ADD COLUMN "token_expires_at" TIMESTAMP;

UPDATE alembic_version SET version_num='012_ticket_credentials' WHERE alembic_version.version_num = '011_ids_never_reused';

-- Running upgrade 012_ticket_credentials -> 013_oauth

CREATE TABLE IF NOT EXISTS "oauth_clients" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "client_id" VARCHAR(255) NOT NULL, "name" VARCHAR(100), "redirect_uris" TEXT NOT NULL, "auth_method" VARCHAR(32) NOT NULL, "secret_hash" VARCHAR(64), "registered_from" VARCHAR(64), "created_at" TIMESTAMP NOT NULL, "document_expires_at" TIMESTAMP);

CREATE UNIQUE INDEX IF NOT EXISTS "oauthclient_client_id" ON "oauth_clients" ("client_id");

CREATE INDEX IF NOT EXISTS "oauthclient_registered_from_created_at" ON "oauth_clients" ("registered_from", "created_at");

CREATE TABLE IF NOT EXISTS "oauth_connections" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "client_id" BIGINT NOT NULL, "scopes" VARCHAR(64) NOT NULL, "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, FOREIGN KEY ("client_id") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthconnection_client_id" ON "oauth_connections" ("client_id");

CREATE INDEX IF NOT EXISTS "oauthconnection_user_id_id" ON "oauth_connections" ("user_id", "id");

CREATE TABLE IF NOT EXISTS "oauth_codes" ("code_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "client_id" BIGINT NOT NULL, "user_id" VARCHAR(128) NOT NULL, "redirect_uri" VARCHAR(2000) NOT NULL, "code_challenge" VARCHAR(128) NOT NULL, "scopes" VARCHAR(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "used_at" TIMESTAMP, "connection_id" BIGINT, FOREIGN KEY ("client_id") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, FOREIGN KEY ("connection_id") REFERENCES "oauth_connections" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthcode_expires_at" ON "oauth_codes" ("expires_at");

CREATE TABLE IF NOT EXISTS "oauth_refresh_tokens" ("token_hash" VARCHAR(64) NOT NULL PRIMARY KEY, "connection_id" BIGINT NOT NULL, "expires_at" TIMESTAMP NOT NULL, "rotated_at" TIMESTAMP, FOREIGN KEY ("connection_id") REFERENCES "oauth_connections" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "oauthrefreshtoken_connection_id" ON "oauth_refresh_tokens" ("connection_id");

CREATE INDEX IF NOT EXISTS "oauthrefreshtoken_expires_at" ON "oauth_refresh_tokens" ("expires_at");

ALTER TABLE "access_tokens" ADD COLUMN "connection_id" BIGINT REFERENCES "oauth_connections" ("id") ON DELETE CASCADE;

CREATE INDEX "access_tokens_connection_id" ON "access_tokens" ("connection_id");

UPDATE alembic_version SET version_num='013_oauth' WHERE alembic_version.version_num = '012_ticket_credentials';

-- Running upgrade 013_oauth -> 014_caldav

ALTER TABLE tasks ADD COLUMN uid VARCHAR(255) NOT NULL DEFAULT '';

ALTER TABLE tasks ADD COLUMN dav_name VARCHAR(255);

ALTER TABLE tasks ADD COLUMN ical_extra TEXT;

ALTER TABLE lists ADD COLUMN dav_name VARCHAR(255);

UPDATE tasks SET uid = gen_random_uuid()::text;

CREATE UNIQUE INDEX "tasks_user_id_uid" ON "tasks" ("user_id", "uid");

CREATE INDEX "tasks_user_id_dav_name" ON "tasks" ("user_id", "dav_name");

CREATE INDEX "tasks_list_id_change_seq" ON "tasks" ("list_id", "change_seq");

CREATE UNIQUE INDEX "lists_user_id_dav_name" ON "lists" ("user_id", "dav_name");

CREATE TABLE IF NOT EXISTS "departures" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "user_id" VARCHAR(128) NOT NULL, "list_id" BIGINT NOT NULL, "uid" VARCHAR(255) NOT NULL, "dav_name" VARCHAR(255), "change_seq" BIGINT NOT NULL, "left_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);

CREATE INDEX IF NOT EXISTS "departure_left_at" ON "departures" ("left_at");

CREATE INDEX IF NOT EXISTS "departure_list_id_change_seq" ON "departures" ("list_id", "change_seq");

UPDATE alembic_version SET version_num='014_caldav' WHERE alembic_version.version_num = '013_oauth';

COMMIT;
