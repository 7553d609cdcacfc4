"""The peer: a todo service as FastAPI's documentation and its full-stack template write one.

It exists to be measured against (`bench/run.sh --peer`; bench/README.md, "Against an
idiomatic FastAPI peer"): issue 22 asks the service to answer ten times the requests this
does, on the same machine and the same requests. So it is what a competent FastAPI user
writes, with neither deliberate slowness nor tuning: SQLModel tables and models, a `Session`
per request from a dependency, sync (`def`) endpoints (FastAPI runs them in its thread pool),
OAuth2 bearer tokens signed with PyJWT (HS256), the user loaded from the token on every
request as the template's `get_current_user` does, bcrypt for passwords, a response model on
every endpoint. It is not part of the service, and runs in a venv of its own
(bench/peer/requirements.txt). Past 40 requests at once it stalls until SQLAlchemy's pool
times out (FastAPI's 40 threads against the pool's 15 connections: bench/README.md says how);
that is left as the docs' way of writing it gives it, not tuned away.

It answers the requests the bench sends the service, with the service's paths and bodies:
signup and login, and the caller's tasks: create, get one, list (newest first, `limit` and
`offset`, the total in `X-Total-Count`), patch, complete (a toggle).

    PEER_DATABASE_URL=sqlite:///peer.db PEER_SECRET_KEY=... \\
        uvicorn --app-dir bench/peer app:app --loop uvloop --http httptools
"""

import os
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import bcrypt
import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, Response, status
from fastapi.security import OAuth2PasswordBearer
from jwt.exceptions import InvalidTokenError
from sqlalchemy import JSON, DateTime
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

DATABASE_URL = os.environ.get("PEER_DATABASE_URL", "sqlite:///peer.db")
SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "change-me-" + "0" * 32)
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8  # the template's default

# The FastAPI tutorial's SQLite engine: FastAPI may use a session in another thread than the
# one that made its connection.
connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=connect_args)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254)
    name: str | None = Field(default=None, max_length=100)
    hashed_password: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class UserRegister(SQLModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=8, max_length=72)
    name: str | None = Field(default=None, max_length=100)


class UserLogin(SQLModel):
    email: str
    password: str


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    completed: bool = False
    priority: Priority = Priority.medium
    due_date: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    tags: list[str] = Field(default_factory=list, sa_type=JSON)


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    completed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class TaskCreate(TaskBase):
    pass


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    completed: bool | None = None
    priority: Priority | None = None
    due_date: datetime | None = None
    tags: list[str] | None = None


class TaskPublic(TaskBase):
    id: int
    user_id: int
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


def get_session() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/login")
TokenDep = Annotated[str, Depends(oauth2_scheme)]


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def verify_password(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(password.encode(), hashed.encode())


def create_access_token(user_id: int) -> Token:
    expire = utcnow() + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    encoded = jwt.encode({"exp": expire, "sub": str(user_id)}, SECRET_KEY, algorithm=ALGORITHM)
    return Token(access_token=encoded)


def get_current_user(session: SessionDep, token: TokenDep) -> User:
    unauthorized = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        user = session.get(User, int(payload["sub"]))
    except (InvalidTokenError, KeyError, ValueError):
        raise unauthorized from None
    if user is None:
        raise unauthorized
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_own_task(session: Session, user: User, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.user_id != user.id:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    SQLModel.metadata.create_all(engine)
    yield


app = FastAPI(title="Todo (the bench's FastAPI peer)", lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/auth/signup", response_model=Token, status_code=201)
def signup(session: SessionDep, user_in: UserRegister) -> Token:
    email = user_in.email.strip().lower()
    if session.exec(select(User).where(User.email == email)).first():
        raise HTTPException(status_code=409, detail="Email already registered")
    user = User(email=email, name=user_in.name, hashed_password=hash_password(user_in.password))
    session.add(user)
    session.commit()
    session.refresh(user)
    assert user.id is not None
    return create_access_token(user.id)


@app.post("/api/auth/login", response_model=Token)
def login(session: SessionDep, credentials: UserLogin) -> Token:
    user = session.exec(select(User).where(User.email == credentials.email.strip().lower())).first()
    if user is None or not verify_password(credentials.password, user.hashed_password):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    assert user.id is not None
    return create_access_token(user.id)


@app.post("/api/tasks", response_model=TaskPublic, status_code=201)
def create_task(session: SessionDep, current_user: CurrentUser, task_in: TaskCreate) -> Task:
    task = Task.model_validate(task_in, update={"user_id": current_user.id})
    if task.completed:
        task.completed_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.get("/api/tasks", response_model=list[TaskPublic])
def read_tasks(
    session: SessionDep,
    current_user: CurrentUser,
    response: Response,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Task]:
    count = session.exec(select(func.count()).select_from(Task).where(Task.user_id == current_user.id)).one()
    statement = (
        select(Task)
        .where(Task.user_id == current_user.id)
        .order_by(col(Task.created_at).desc(), col(Task.id).desc())
        .offset(offset)
        .limit(limit)
    )
    response.headers["X-Total-Count"] = str(count)
    return list(session.exec(statement).all())


@app.get("/api/tasks/{task_id}", response_model=TaskPublic)
def read_task(session: SessionDep, current_user: CurrentUser, task_id: int) -> Task:
    return get_own_task(session, current_user, task_id)


@app.patch("/api/tasks/{task_id}", response_model=TaskPublic)
def update_task(session: SessionDep, current_user: CurrentUser, task_id: int, task_in: TaskUpdate) -> Task:
    task = get_own_task(session, current_user, task_id)
    update = task_in.model_dump(exclude_unset=True)
    if "completed" in update and update["completed"] != task.completed:
        task.completed_at = utcnow() if update["completed"] else None
    task.sqlmodel_update(update)
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.patch("/api/tasks/{task_id}/complete", response_model=TaskPublic)
def toggle_task(session: SessionDep, current_user: CurrentUser, task_id: int) -> Task:
    task = get_own_task(session, current_user, task_id)
    task.completed = not task.completed
    task.completed_at = utcnow() if task.completed else None
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task
