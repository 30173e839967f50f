"""Jinja2 templates, sandboxed: the service's own folder first, then the built-in ones."""

from __future__ import annotations

import os
import re
import threading
from typing import Any

from letterkit import deadline
from letterkit.compose.context import RenderContext, template_vars
from letterkit.compose.styling import easy_read_markdown, get_style
from letterkit.errors import TemplateError
from letterkit.files import read_bytes
from letterkit.model import kinds
from letterkit.resources import templates_dir


def _environment(template_dir: str | None) -> Any:
    """A sandboxed Jinja2 environment over the service's templates, then the built-in ones."""
    import jinja2

    search = ([template_dir] if template_dir else []) + [str(templates_dir())]
    try:
        # Compiled templates are cached (owner-only, keyed by each template's source) in the
        # temporary folder, so a command does not compile them again each time it starts.
        # Its own file names: code compiled by a sandbox without letterkit's bounds (which
        # are compiled in: the intercepted operators, the sized joins, the paced loops) must
        # never be loaded.
        cache: Any = jinja2.FileSystemBytecodeCache(pattern="__letterkit_bounded_v3_%s.cache")
    except (OSError, RuntimeError):
        cache = None
    return _bounded_sandbox()(
        loader=_confined_loader(search),
        bytecode_cache=cache,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


MAX_OUTPUT = 16 * 1024 * 1024
"""Most characters one template may produce (a long letter makes well under 1 MiB)."""
TEMPLATE_TIMEOUT = 20.0
"""Seconds one template may run before it is stopped (a letter's take milliseconds)."""
_HUGE_WIDTH = re.compile(r"\d{8,}")
_PACED = "letterkit_paced"
"""The filter every ``for`` loop of a template iterates through (it checks the time limit)."""


def _bounded_sandbox() -> type:
    """Jinja's immutable sandbox, with the ways a template could make a huge value refused
    before the value is made: ``*`` and ``+`` on text and lists, ``**``, and widths
    (``center``, ``indent``, ``"%2000000000s"``) over ``MAX_OUTPUT``. Endless loops are
    stopped by the time limit and the output limit (``_render``): the time limit is checked
    cooperatively, at every call, attribute, intercepted operator and loop step (each ``for``
    is compiled to iterate through ``deadline.paced``), so no thread is ever interrupted."""
    from collections.abc import Mapping

    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def too_big(what: str) -> SecurityError:
        return SecurityError(f"{what} would be larger than {MAX_OUTPUT:,} characters")

    def check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and abs(value) > MAX_OUTPUT:
                raise too_big(f"a width or count of {value:,}")
            if isinstance(value, str) and "%" in value and _HUGE_WIDTH.search(value):
                raise too_big("a formatted value")

    def check_size(size: int, what: str) -> None:
        if size > MAX_OUTPUT:
            raise too_big(what)

    def check_result(value: Any) -> Any:
        if isinstance(value, (str, bytes, list, tuple)):
            check_size(len(value), "the value made")
        return value

    class BoundedCodeGenerator(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:
            # "~" joins its operands in one call: their total size is checked before joining.
            if frame.eval_ctx.volatile:
                join = "(markup_join if context.eval_ctx.volatile else str_join)"
            else:
                join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
            self.write(f"environment.bounded_join({join}, (")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

        def visit_Template(self, node: Any, frame: Any = None) -> None:  # noqa: N802 (Jinja's name)
            # Each {% for x in items %} loops over items | letterkit_paced, which checks the time
            # limit at every step. Before any code is written: each function's filters are
            # gathered from its nodes.
            for loop in node.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, _PACED, [], [], None, None, lineno=loop.lineno)
            super().visit_Template(node, frame)

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+"})
        code_generator_class = BoundedCodeGenerator

        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            for name in ("center", "indent", "format", "wordwrap", "truncate"):
                self.filters[name] = _checked(self.filters[name], check_args)
            self.filters["replace"] = _checked(self.filters["replace"], lambda a, k: check_replace(a[1:], k))
            self.filters["join"] = _joining(self.filters["join"], check_size)
            self.filters["format"] = _checked(self.filters["format"], check_format)
            self.filters["indent"] = _checked(self.filters["indent"], check_indent)
            self.filters["wordwrap"] = _checked(self.filters["wordwrap"], check_wordwrap)
            for name in list(self.filters):  # and nothing any filter makes is over the limit
                self.filters[name] = _checked(self.filters[name], lambda a, k: None, check_result)
            self.filters[_PACED] = deadline.paced

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            receiver = value.__self__

            def bounded(*args: Any, **kwargs: Any) -> Any:
                if _HUGE_WIDTH.search(receiver):
                    raise too_big("a formatted value")
                check_format((receiver, *args, *kwargs.values()), {})
                return check_result(wrapped(*args, **kwargs))

            return bounded

        def bounded_join(self, join: Any, parts: tuple[Any, ...]) -> Any:
            check_size(sum(len(p) if isinstance(p, str) else len(str(p)) for p in parts), "the joined value")
            return join(parts)

        def getattr(self, obj: Any, attribute: str) -> Any:
            deadline.check()
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            deadline.check()
            return super().getitem(obj, argument)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            deadline.check()
            sized = (str, bytes, list, tuple)
            if operator == "*":
                for seq, count in ((left, right), (right, left)):
                    if isinstance(seq, sized) and isinstance(count, int) and len(seq) * count > MAX_OUTPUT:
                        raise too_big("the repeated value")
            elif operator == "+":
                if (
                    isinstance(left, sized)
                    and isinstance(right, sized)
                    and len(left) + len(right) > MAX_OUTPUT
                ):
                    raise too_big("the joined value")
            elif operator == "**" and isinstance(left, int) and isinstance(right, int):
                if abs(left) > 1 and right > 4096:
                    raise too_big("the power")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            deadline.check()
            check_args(args, kwargs)
            receiver = getattr(__obj, "__self__", None)
            if isinstance(receiver, str) and _HUGE_WIDTH.search(receiver):
                raise too_big("a formatted value")
            if isinstance(receiver, str):
                method = getattr(__obj, "__name__", "")
                if method == "replace":
                    check_replace((receiver, *args), kwargs)
                elif method == "join" and args:
                    items = list(args[0])
                    check_size(
                        sum(len(str(i)) for i in items) + len(receiver) * max(len(items) - 1, 0),
                        "the joined value",
                    )
                    args = (items, *args[1:])
                elif method == "expandtabs":
                    tab = args[0] if args else kwargs.get("tabsize", 8)
                    check_size(len(receiver) * max(int(tab), 1), "the expanded value")
            return check_result(super().call(__context, __obj, *args, **kwargs))

    def check_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """(text, old, new[, count]): the size of the result, worked out before it is made."""
        text, old, new = (list(args) + [kwargs.get("old"), kwargs.get("new")])[:3]
        if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
            return
        times = text.count(old) if old else len(text) + 1
        count = args[3] if len(args) > 3 else kwargs.get("count")
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        check_size(len(text) + times * (len(new) - len(old)), "the replaced value")

    def check_format(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """A format string uses each value at most as often as it has places for one."""
        check_args(args, kwargs)
        if not args or not isinstance(args[0], str):
            return
        values = [*args[1:], *kwargs.values()]
        for value in list(values):
            if isinstance(value, Mapping):
                values += list(value.values())
        longest = max((len(str(v)) for v in values), default=0)
        places = args[0].count("%") + args[0].count("{")
        check_size(len(args[0]) + places * longest, "the formatted value")

    def check_indent(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        check_args(args, kwargs)
        text = args[0] if args else ""
        width = args[1] if len(args) > 1 else kwargs.get("width", 4)
        if isinstance(text, str):
            step = len(width) if isinstance(width, str) else int(width or 0)
            check_size(len(text) + (text.count("\n") + 1) * step, "the indented value")

    def check_wordwrap(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        check_args(args, kwargs)
        text = args[1] if len(args) > 1 else ""
        wrap = args[4] if len(args) > 4 else kwargs.get("wrapstring")
        if isinstance(text, str) and isinstance(wrap, str):
            check_size(len(text) * (1 + len(wrap)), "the wrapped value")

    return BoundedSandbox


def _joining(function: Any, check_size: Any) -> Any:
    """The ``join`` filter, with the joined size worked out before joining."""
    import functools

    @functools.wraps(function)
    def wrapper(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        if attribute is None:
            check_size(
                sum(len(str(i)) for i in items) + len(str(d)) * max(len(items) - 1, 0), "the joined value"
            )
        return function(eval_ctx, items, d, attribute)

    return wrapper


def _checked(function: Any, check: Any, after: Any = None) -> Any:
    import functools

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check(args, kwargs)
        result = function(*args, **kwargs)
        return after(result) if after is not None else result

    return wrapper


MAX_TEMPLATE = 1024 * 1024
"""Largest template file read (letterkit's own are a few KiB)."""


def _confined_loader(search: list[str]) -> Any:
    """A FileSystemLoader that reads only regular files whose real path (every link resolved)
    is inside the folder they were found in, so a link in a template pack — to a file, or to a
    folder such as ``/`` — cannot bring any other file on the disk into a letter."""
    import posixpath

    import jinja2
    from jinja2.loaders import split_template_path

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            pieces = split_template_path(template)
            for folder in self.searchpath:
                filename = posixpath.join(folder, *pieces)
                if not os.path.lexists(filename):
                    continue
                root = os.path.realpath(folder)
                real = os.path.realpath(filename)
                if os.path.commonpath([root, real]) != root:
                    raise TemplateError(
                        f"template {template!r}: {filename} leads outside the template folder "
                        f"{folder} (through a link), so it is not used; a template and everything "
                        "it includes or extends must be a file inside the folder"
                    )
                if os.path.isdir(real) or not os.path.lexists(real):
                    continue
                try:
                    source = read_bytes(real, what="template", max_bytes=MAX_TEMPLATE).decode("utf-8")
                except UnicodeDecodeError:
                    raise TemplateError(
                        f"template {template!r}: {filename} is not UTF-8 text — save it as UTF-8"
                    ) from None
                except OSError as error:
                    raise TemplateError(
                        f"template {template!r}: {filename} cannot be read: {error.strerror or error}"
                    ) from None
                mtime = os.path.getmtime(real)

                def uptodate(real: str = real, mtime: float = mtime) -> bool:
                    try:
                        return os.path.getmtime(real) == mtime
                    except OSError:
                        return False

                return source, os.path.normpath(filename), uptodate
            raise jinja2.TemplateNotFound(template)

    return ConfinedLoader(search)


class Templates:
    """Compiled templates, kept between renders: one sandboxed environment per template folder.

    Safe to share between threads (Jinja's environments are; creating one is locked).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._environments: dict[str | None, Any] = {}

    def environment(self, template_dir: str | None) -> Any:
        key = str(template_dir) if template_dir else None
        with self._lock:
            env = self._environments.get(key)
            if env is None:
                env = self._environments[key] = _environment(key)
            return env

    def render(self, name: str, variables: dict[str, Any], template_dir: str | None = None) -> str:
        """Render one template by name, turning Jinja's errors into a TemplateError."""
        return _render(self.environment(template_dir), name, variables, template_dir)


def render_template(
    name: str, variables: dict[str, Any], template_dir: str | None = None, templates: Templates | None = None
) -> str:
    """Render one template by name, turning Jinja's errors into a TemplateError."""
    return (templates or Templates()).render(name, variables, template_dir)


def _render(env: Any, name: str, variables: dict[str, Any], template_dir: str | None) -> str:
    import jinja2

    def generate(template: Any) -> str:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(variables):
            deadline.check()
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateError(
                    f"{name}: the template made more than {MAX_OUTPUT:,} characters and was stopped "
                    "— does it repeat something without end?"
                )
            parts.append(chunk)
        return "".join(parts)

    def too_long() -> TemplateError:
        return TemplateError(
            f"{name}: the template ran longer than {TEMPLATE_TIMEOUT:g} seconds and was stopped "
            "— does it loop without end?"
        )

    try:
        template = env.get_template(name)
        with deadline.limit(TEMPLATE_TIMEOUT, too_long):
            return generate(template)
    except TemplateError:
        raise
    except jinja2.TemplateNotFound as error:
        raise TemplateError(
            f"template {error.name!r} not found in {template_dir or 'the built-in templates'}"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"{error.filename or name}:{error.lineno}: template error: {error.message}"
        ) from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as error:
        raise TemplateError(f"{name}: template error: {error}") from None
    except UnicodeDecodeError:
        raise TemplateError(f"{name}: the template is not UTF-8 text — save it as UTF-8") from None
    except OSError as error:
        raise TemplateError(f"{name}: the template cannot be read: {error.strerror or error}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{name}: template error: {error}") from None
    except (
        ArithmeticError,
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        RecursionError,
        MemoryError,
    ) as error:
        # A service's template can compute; whatever it gets wrong is reported, not raised.
        raise TemplateError(f"{name}: template error: {type(error).__name__}: {error}") from None


def to_markdown(
    ctx: RenderContext, template_dir: str | None = None, templates: Templates | None = None
) -> str:
    """The whole letter as Markdown."""
    render = (templates or Templates()).render
    variables = template_vars(ctx)
    variables["body"] = render(kinds.get(ctx.letter.kind).template_name, variables, template_dir).strip()
    variables["signature"] = render("signature.md.j2", variables, template_dir).strip()
    variables["help_section"] = render("help.md.j2", variables, template_dir).strip()
    if get_style(ctx.style).sentence_per_line:
        for key in ("body", "help_section", "closing"):
            variables[key] = easy_read_markdown(variables[key])
    text = render("letter.md.j2", variables, template_dir)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
