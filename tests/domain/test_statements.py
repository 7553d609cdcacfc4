"""models/statements.py on each database: the SQL is written once per database and shape, each
run binds its own values, rows come back as converted models, and a text that would depend on
its values is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import peewee
import pytest

from domain import feed, idempotency
from models import Task, TaskTag, TodoList, User, queries
from models.statements import Statement
from runtime.services import Services
from tests.support.services import migrated_services


@pytest.fixture
def db(settings) -> Iterator[Services]:
    for services in migrated_services(settings):
        with services.db.connection_context():
            yield services


def counting(build):
    """`build`, counting its calls: one per text peewee writes."""
    calls = []

    def counted(*values):
        calls.append(values)
        return build(*values)

    return counted, calls


def add_user(user_id: str) -> None:
    User.insert(
        id=user_id, email=f"{user_id}@example.com", created_at=dt.datetime(2026, 1, 2, 3, 4, 5)
    ).execute()


def add_task(user_id: str, title: str, **fields) -> int:
    return Task.insert(user=user_id, title=title, title_key=title.lower(), **fields).execute()


def test_one_text_serves_every_value(db: Services) -> None:
    for user_id in ("u_a", "u_b"):
        add_user(user_id)
    build, calls = counting(lambda user_id: User.select().where(User.id == user_id))
    statement = Statement(build)
    first, second, none = (statement.models(User, user_id) for user_id in ("u_a", "u_b", "u_missing"))
    assert [user.id for user in first] == ["u_a"] and [user.id for user in second] == ["u_b"]
    assert none == []
    assert len(calls) == 1


def test_models_come_back_converted(db: Services) -> None:
    add_user("u_a")
    due = dt.datetime(2026, 12, 24, 18, 30, 0, 123456)
    task_id = add_task("u_a", "Wrap presents", completed=True, due_date=due, priority=3)
    statement = Statement(
        lambda task_id, user_id: Task.select().where((Task.id == task_id) & (Task.user == user_id))
    )
    [task] = statement.models(Task, task_id, "u_a")
    assert isinstance(task, Task) and task.id == task_id and task.user_id == "u_a"
    assert task.completed is True and task.due_date == due and task.priority == 3
    assert statement.models(Task, task_id, "u_other") == []  # the owner is part of the match
    [user] = Statement(lambda user_id: User.select().where(User.id == user_id)).models(User, "u_a")
    assert user.created_at == dt.datetime(2026, 1, 2, 3, 4, 5)


def test_every_column_comes_back_as_peewee_gives_it(db: Services) -> None:
    """The values a model is made of, and their types, are those of peewee's own select: the
    ones kept as the driver gave them (whole numbers, text) and the converted ones (datetimes,
    booleans, foreign keys), a null staying None."""
    add_user("u_a")
    list_id = TodoList.insert(user="u_a", name="Errands", name_key="errands", position="m").execute()
    due = dt.datetime(2026, 12, 24, 18, 30, 0, 123456)
    task_id = add_task(
        "u_a", "Buy milk", list=list_id, completed=True, due_date=due, recurrence="FREQ=DAILY",
        ical_extra="X-THING:1", reminders='[{"before": "PT1H"}]', change_seq=2**40,
    )  # fmt: skip
    for model, row_id in ((Task, task_id), (TodoList, list_id), (User, "u_a")):
        [made] = Statement(
            lambda row_id, model=model: model.select().where(model._meta.primary_key == row_id)
        ).models(model, row_id)
        given = model.get_by_id(row_id).__data__
        assert made.__data__ == given
        assert {name: type(value) for name, value in made.__data__.items()} == {
            name: type(value) for name, value in given.items()
        }


def test_the_shape_keeps_texts_apart(db: Services) -> None:
    add_user("u_a")
    ids = [add_task("u_a", f"Task {n}") for n in range(3)]
    for task_id, tag in zip(ids, ("home", "work", "later"), strict=True):
        TaskTag.insert(task=task_id, name=tag).execute()
    build, calls = counting(
        lambda *task_ids: TaskTag.select(TaskTag.task, TaskTag.name).where(TaskTag.task.in_(task_ids))
    )
    statement = Statement(build)
    assert statement.rows(ids[0], shape=1) == [(ids[0], "home")]
    assert sorted(statement.rows(ids[1], ids[2], shape=2)) == [(ids[1], "work"), (ids[2], "later")]
    assert statement.rows(ids[2], shape=1) == [(ids[2], "later")]
    assert len(calls) == 2


def test_a_write_reports_the_rows_it_changed(db: Services) -> None:
    add_user("u_a")
    statement = Statement(
        lambda user_id: User.update(tasks_version=User.tasks_version + peewee.SQL("1")).where(
            User.id == user_id
        )
    )
    assert statement.execute("u_a") == 1
    assert statement.execute("u_a") == 1
    assert statement.execute("u_missing") == 0
    assert User.get_by_id("u_a").tasks_version == 2


def test_a_text_that_binds_other_values_is_refused(db: Services) -> None:
    add_user("u_a")
    # peewee binds the 1 as a parameter: the text would then hold a value not given.
    statement = Statement(
        lambda user_id: User.update(tasks_version=User.tasks_version + 1).where(User.id == user_id)
    )
    with pytest.raises(ValueError, match="not the values given"):
        statement.execute("u_a")
    assert User.get_by_id("u_a").tasks_version == 0


def test_an_insert_gives_the_new_rows_id(db: Services) -> None:
    add_user("u_a")
    task_id = add_task("u_a", "Tagged")

    def insert(task: int, name: str) -> peewee.Query:
        query = TaskTag.insert({TaskTag.task: task, TaskTag.name: name})
        return query.returning(TaskTag.id) if db.db.returning_clause else query

    statement = Statement(insert)
    first, second = statement.insert(task_id, "one"), statement.insert(task_id, "two")
    assert second != first
    assert [TaskTag.get_by_id(first).name, TaskTag.get_by_id(second).name] == ["one", "two"]


def test_defaults_peewee_would_add_are_refused(db: Services) -> None:
    """An insert that leaves out columns with defaults would bind values not given."""
    add_user("u_a")
    statement = Statement(lambda user_id, title: Task.insert({Task.user: user_id, Task.title: title}))
    with pytest.raises(ValueError, match="not the values given"):
        statement.insert("u_a", "One")
    assert Task.select().count() == 0


def test_the_hubs_reads_find_every_key_and_keep_few_texts(db: Services) -> None:
    """The event hub's reads of users and personal tokens by key: each key found once, however
    many, and the IN lists padded to a power of two (so at most ten texts each)."""
    for n in range(600):
        add_user(f"u_{n}")
    users = [f"u_{n}" for n in range(599, -1, -1)] + ["u_missing", "u_3"]
    found = queries.users_versions(users)
    assert set(found) == {f"u_{n}" for n in range(600)} and found["u_7"] == (0, 0)
    assert sorted(len(chunk) for chunk in queries.padded_chunks(users)) == [128, 512]
    assert [len(chunk) for chunk in queries.padded_chunks(["a", "b", "c"])] == [4]
    assert queries.padded_chunks([]) == []


def test_every_statement_of_the_queries_binds_in_its_own_order(db: Services) -> None:
    """The first-compile check cannot see two equal values swapped (a new task's created_at and
    updated_at, two None): each statement of models/queries.py compiled with values that all
    differ (no two equal, as True == 1 would be), on each database."""
    task = Task(
        id=11,
        user="u_a",
        title="Title",
        title_key="title",
        description="Description",
        search_text="title\ndescription",
        completed=True,
        completed_at=dt.datetime(2026, 1, 1, 8, 30),
        priority=3,
        due_date=dt.datetime(2026, 1, 2, 8, 30),
        position=7,
        list=21,
        parent=31,
        sort_key="a0V",
        created_at=dt.datetime(2026, 1, 3, 8, 30),
        updated_at=dt.datetime(2026, 1, 4, 8, 30),
        version=5,
        change_seq=9,
        recurrence="FREQ=DAILY",
        time_zone="Europe/Paris",
        series_id=41,
        previous_id=51,
        occurrence=6,
        reminders='[{"before":"PT5M"}]',
        uid="0b1c2d3e-uid",
        dav_name="chosen.ics",
        ical_extra="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    assert set(Task._meta.fields) == set(task.__data__), "give the test task a value for each column"
    cases = [
        (queries.USER_BY_ID, ("u_a",), None),
        (queries.SET_TASKS_VERSION, (41, "u_a"), None),
        (queries.TASK_OF_USER, (11, "u_a"), None),
        (queries.TAGS_OF_TASKS, (11, 12, 13), 3),
        (queries.UPDATE_TASK, (*queries.column_values(task, queries.CHANGED), 11), None),
        (queries.INSERT_TASK, tuple(queries.column_values(task, queries.INSERTED)), None),
        (queries.INSERT_TAGS, (11, "home", 12, "work"), 2),
        (queries.COUNT_LIST_TASKS, (1, -1, 41, 21, "u_a"), None),
        (queries.LAST_KEY, (21,), 1),
        (queries.LAST_KEY, (21, 31), 2),
        (queries.USERS_VERSIONS, ("u_a", "u_b"), 2),
        (queries.PERSONAL_TOKENS, ("a" * 64, "b" * 64), 2),
        (queries.ACCESS_TOKEN_BY_HASH, ("a" * 64,), None),
        (queries.LIST_OF_USER, (21, "u_a"), None),
        (
            queries.INSERT_REMINDERS,
            (11, "u_a", '{"before":"PT5M"}', dt.datetime(2026, 1, 5, 8, 30), 12, "u_b", '{"at":"x"}', None),
            2,
        ),
    ]
    if not isinstance(db.db, peewee.SqliteDatabase):  # SQLite has no FOR UPDATE (nor needs it)
        cases.append((queries.TASK_OF_USER_FOR_UPDATE, (11, "u_a"), None))
        cases.append((queries.USER_BY_ID_FOR_UPDATE, ("u_a",), None))
    for statement, values, shape in cases:
        assert all(a != b for n, a in enumerate(values) for b in values[n + 1 :]), values
        statement.texts.clear()
        statement.text(values, shape)  # raises when peewee binds them in another order


def test_the_feeds_statements_bind_in_their_own_order(db: Services) -> None:
    """As above, for the change feed's reads (domain/feed.py): the cursor's sequence number is
    the one value bound twice, every other differs (the step is an id or, for the other kind,
    True)."""
    for (_, same_rank), statement in feed.LIVE.items():
        statement.texts.clear()
        statement.text(("u_a", 41, 41, 12 if same_rank else True, 51, 61))
    for same_rank, statement in feed.TOMBSTONES.items():
        statement.texts.clear()
        statement.text(("u_a", "task", 41, 41, 12 if same_rank else True, 51, 61))


def test_the_idempotency_statements_bind_in_their_own_order(db: Services) -> None:
    """As above, for domain/idempotency.py's, with values that all differ."""
    at = dt.datetime(2026, 1, 1, 8, 30)
    cases = [
        (idempotency.FIND, ("u_a", "key-1", at)),
        (idempotency.DELETE_EXPIRED, ("u_a", "key-1", at)),
        (idempotency.DELETE, ("u_a", "key-1")),
        (idempotency.INSERT, ("u_a", "key-1", "f" * 64, 201, '[["etag", "1"]]', "{}", at)),
        (idempotency.STORE, (201, '[["etag", "1"]]', "{}", "u_a", "key-1")),
    ]
    for statement, values in cases:
        statement.texts.clear()
        statement.text(values)
