"""Files: the one atomic writer, and the records and tables it writes and reads back.

Every file the package writes (a record, a table, a figure, an animation)
goes through :func:`atomic_write`: it is rendered into a hidden temporary file
beside its target and renamed into place, so the target is either absent or
complete, never half-written. The temporary name keeps the target's suffix,
so a writer that infers the format from the name (Pillow, pandas) still can.
Every ``OSError`` of writing becomes an :class:`~simulator.errors.OutputError`
that names the path and the reason in one line.

This module and :mod:`simulator.scenario` are the only ones that open files;
the one file written in place rather than atomically is a journal
(:func:`open_journal`), whose every line is a complete record.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLE_FORMATS", "atomic_write", "atomic_write_text", "write_json", "write_csv",
           "write_table", "write_table_chunks", "read_binary", "load_text", "read_json", "read_table", "package_text",
           "open_journal", "os_problem"]

#: The formats a results table can be written in (``--format``).
TABLE_FORMATS: tuple[str, ...] = ("csv", "parquet")


def os_problem(exc: OSError | ValueError, path: Path | str | None = None) -> str:
    """``'<path>: <reason>'`` for an error of the file system, on one line."""
    where = getattr(exc, "filename", None) or path
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"{where}: {reason}" if where is not None else reason


def atomic_write(path: Path | str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write ``path`` by calling ``write(temporary)`` and renaming the result into place.

    ``write`` receives a fresh path in the same directory (so the rename stays on
    one file system) that ends in ``path``'s suffix; it creates the file there.
    On any error the temporary file goes and ``path`` is left as it was.

    Raises
    ------
    OutputError
        If the file cannot be written (the path and the reason in one line).
    """
    path = Path(path)
    if "\x00" in str(path):
        raise OutputError(f"cannot write {path!r}: a path must not contain a NUL byte")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: "
                          f"{getattr(exc, 'strerror', None) or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _plain(value: Any) -> Any:
    """JSON-safe numbers: numpy scalars to Python, NaN to null."""
    import numpy as np

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_json(path: Path | str, data: dict[str, Any]) -> Path:
    """Write ``data`` as indented JSON (numpy numbers as Python ones, NaN as null)."""
    return atomic_write_text(path, json.dumps(_plain(data), indent=2, sort_keys=False) + "\n")


def write_csv(path: Path | str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as CSV without its index, with ``\\n`` line ends."""
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def write_table(folder: Path | str, name: str, frame: pd.DataFrame, fmt: str = "csv") -> Path:
    """Write ``frame`` as ``folder/name.csv`` or ``folder/name.parquet``; return the path."""
    if fmt not in TABLE_FORMATS:
        raise OutputError(f"--format must be one of {', '.join(TABLE_FORMATS)}, got {fmt!r}")
    path = Path(folder) / f"{name}.{fmt}"
    if fmt == "parquet":
        return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
    return write_csv(path, frame)


def write_table_chunks(folder: Path | str, name: str, chunks: Iterable[pd.DataFrame],
                       empty: pd.DataFrame, fmt: str = "csv") -> Path:
    """Write a table that arrives in chunks (frames with the same columns and types),
    holding one chunk at a time; ``empty`` (no rows) is written when no chunk comes.

    The CSV is the bytes :func:`write_table` would give for the chunks joined
    (when their types agree); the Parquet file has a row group per chunk.
    """
    if fmt not in TABLE_FORMATS:
        raise OutputError(f"--format must be one of {', '.join(TABLE_FORMATS)}, got {fmt!r}")
    path = Path(folder) / f"{name}.{fmt}"

    def csv(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            header = True
            for chunk in chunks:
                chunk.to_csv(f, index=False, header=header, lineterminator="\n")
                header = False
            if header:
                empty.to_csv(f, index=False, lineterminator="\n")

    def parquet(tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        try:
            for chunk in chunks:
                table = pa.Table.from_pandas(chunk, preserve_index=False,
                                             schema=writer.schema if writer else None)
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            empty.to_parquet(tmp, index=False)

    return atomic_write(path, parquet if fmt == "parquet" else csv)


def read_binary(path: Path | str) -> bytes:
    """A file's bytes (a figure to embed in a page, say)."""
    return Path(path).read_bytes()


def load_text(path: Path | str) -> str:
    """A text file's content (UTF-8)."""
    return Path(path).read_text(encoding="utf-8")


def package_text(package: str, *parts: str) -> str:
    """A text file shipped inside ``package`` (a classroom page, say)."""
    from importlib import resources

    return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")


def open_journal(path: Path | str) -> IO[str]:
    """Open an append-only journal of lines (a classroom session's log), created if missing.

    A journal is the one kind of file that grows in place: each line is a
    complete record, so a crash can only cut the last one short. That cut
    line is removed here, before anything is appended after it.
    """
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)
    return open(path, "a", encoding="utf-8")  # the caller keeps it open for the session


def read_json(path: Path | str) -> Any:
    """A JSON file's content; ``ValueError`` (or ``OSError``) if it cannot be read."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_table(folder: Path | str, name: str) -> pd.DataFrame:
    """The table ``folder/name.parquet`` if it exists, else ``folder/name.csv``."""
    import pandas as pd

    folder = Path(folder)
    if (folder / f"{name}.parquet").exists():
        return pd.read_parquet(folder / f"{name}.parquet")
    return pd.read_csv(folder / f"{name}.csv")
