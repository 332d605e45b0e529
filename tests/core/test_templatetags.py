"""The site's template tags."""

from silkbridge.core.templatetags.silkbridge import select_options


def test_select_options_marks_the_current_value_and_escapes() -> None:
    html = select_options([("", "—"), ("KE", "Kenya"), ("X<", 'A "quoted" <b>')], "KE")
    assert html == (
        '<option value="">—</option><option value="KE" selected>Kenya</option>'
        '<option value="X&lt;">A &quot;quoted&quot; &lt;b&gt;</option>'
    )


def test_select_options_without_a_current_value_selects_nothing() -> None:
    assert "selected" not in select_options([("1", "one"), (2, "two")], "")
