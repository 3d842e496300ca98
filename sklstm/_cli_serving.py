"""The ``sklstm export`` and ``sklstm serve`` verbs.

Each imports what it runs inside its body: ``export`` loads the model file
and converts its network (Keras, TensorFlow, tf2onnx), ``serve`` needs only
the exported folder, onnxruntime and the web server.
"""

import click


@click.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace an existing OUT_DIR.")
@click.option(
    "--tolerance",
    default=1e-5,
    show_default=True,
    type=float,
    help="Largest difference from the model's own answers the self-check accepts.",
)
def export(model, out_dir, overwrite, tolerance):
    """Export MODEL (a skops file of 'sklstm train') to OUT_DIR for serving.

    OUT_DIR gets model.onnx, tokenizer.json and metadata.json (and the
    model file's columns and labels, for 'sklstm predict' and 'evaluate');
    'sklstm serve OUT_DIR', 'sklstm predict OUT_DIR ...' or
    sklstm.serving.load read it with NumPy and onnxruntime only.
    The export checks its answers against the model's and keeps nothing
    above --tolerance.
    """
    from sklstm._cli_tasks import load_model, write_exported_task
    from sklstm.export import export_pipeline

    try:
        pipeline, task = load_model(model)
        metadata = export_pipeline(
            pipeline, out_dir, tolerance=tolerance, overwrite=overwrite
        )
        # So that 'sklstm predict' and 'evaluate' read the folder as they
        # read the model file: same columns, labels and separator.
        write_exported_task(task, out_dir)
    except ImportError as exc:
        raise click.ClickException(
            f"{exc}. The export needs: pip install 'sklstm[export]'."
        ) from None
    except (ValueError, TypeError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    check = metadata["self_check"]
    click.echo(
        f"Wrote {out_dir} ({metadata['task']}); self-check on {check['texts']} "
        f"texts: largest difference {check['max_abs_difference']:.2g}."
    )


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="onnxruntime threads per prediction. Default: one per core.",
)
@click.option("--max-texts", default=256, show_default=True, type=click.IntRange(1))
@click.option(
    "--max-body-bytes", default=1_000_000, show_default=True, type=click.IntRange(1)
)
def serve(folder, host, port, threads, max_texts, max_body_bytes):
    """Serve the exported FOLDER over HTTP.

    POST /predict with {"texts": [...]} answers each text's label and
    probability per class; GET /health, GET /metadata; GET / is a page to try
    the model.
    """
    try:
        from sklstm.serving._app import run
    except ImportError as exc:
        raise click.ClickException(
            f"{exc}. Serving needs: pip install 'sklstm[serve]'."
        ) from None
    try:
        run(
            folder, host=host, port=port, n_threads=threads, max_texts=max_texts,
            max_body_bytes=max_body_bytes,
        )  # fmt: skip
    except (ValueError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
