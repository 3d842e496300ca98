"""Where the ``sklstm`` command writes: checked first, written whole, announced.

Every path a verb will write is checked before any work starts, so a long
training never ends in an error about its output: a path that is a folder,
a folder that is a file, a folder the user cannot write in, and an existing
file without ``--force``. Files are written to a temporary file beside their
destination and renamed onto it only once complete: an interrupted or failed
run never leaves half a file, nor replaces a good one. Each file written is
announced on its own line.
"""

import os
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from sklstm._cli_runtime import heartbeat


def _existing_ancestor(path):
    """The nearest folder above ``path`` that exists (or the file in the way)."""
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path(path.anchor)


def check_output(path, force, option="--output"):
    """Refuse ``path`` now, rather than after training, if it cannot be written.

    Parameters
    ----------
    path : path-like
        A file the command will write. Missing folders above it are created
        when it is written.
    force : bool
        Whether an existing file may be replaced.
    option : str
        The option that named the path (or chose its folder), for the message.

    Raises
    ------
    click.BadParameter
        Naming the problem and how to fix it.
    """
    path = Path(path)
    if path.is_dir():
        raise click.BadParameter(
            f"{path} is a folder; name a file inside it, e.g. {path / 'model.skops'}.",
            param_hint=option,
        )
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise click.BadParameter(
            f"cannot write {path}: {ancestor} is a file, not a folder.",
            param_hint=option,
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise click.BadParameter(
            f"cannot write {path}: no permission to write in {ancestor}.",
            param_hint=option,
        )
    if path.exists() and not force:
        raise click.BadParameter(
            f"{path} exists. Pass --force to replace it, or name another path.",
            param_hint=option,
        )


def check_outputs(paths, force, option="--output"):
    for path in paths:
        check_output(path, force, option)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def written(path):
    """A temporary path beside ``path``, renamed onto it if the block succeeds.

    The temporary name keeps ``path``'s suffix, as matplotlib and skops read
    the format from it. On any error, Ctrl+C included, the temporary file is
    removed and ``path`` stays as it was. The file written is announced.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix
    )
    os.close(handle)
    temporary = Path(temporary)
    try:
        yield temporary
        # mkstemp's file is private to the user; give it the usual permissions.
        temporary.chmod(0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    click.echo(f"Wrote {path}")


def save_model(model, path, keep_optimizer=False):
    """Write ``model`` as a skops file; its parts are compressed, as zip allows."""
    import zipfile

    import skops.io

    from sklstm._persistence import optimizer_state_kept

    kept = optimizer_state_kept() if keep_optimizer else nullcontext()
    with written(path) as temporary, kept, heartbeat(f"Still writing {path}"):
        skops.io.dump(model, temporary, compression=zipfile.ZIP_DEFLATED)


def save_interrupted(output, target, pipeline, keep_optimizer):
    """Save an interrupted training's model beside ``output``, never onto it."""
    # Here, not at the top: sklstm._cli_tasks imports this module.
    from sklstm._cli_tasks import model_file

    saved = output.with_name(f"{output.stem}.interrupted{output.suffix}")
    save_model(model_file(target, pipeline), saved, keep_optimizer)
    click.echo(
        f"Training was interrupted (Ctrl+C). The model so far is in {saved}, "
        f"marked interrupted (its interrupted_ is True); {output} was not "
        "touched. Train again to train to the end.",
        err=True,
    )
