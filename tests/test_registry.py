"""The one parser, exercised through real commands: syntaxes, aliases, forms and standard errors."""

import re

import pytest
import torch
from conftest import python_calls

from torchtcl_kernel import docs
from torchtcl_kernel.core import types
from torchtcl_kernel.core.errors import CommandError, TorchTclError
from torchtcl_kernel.core.registry import (
    BARE_NO_VALUE,
    BARE_NO_VALUE_COMMANDS,
    DEFAULT_ERRORS,
    REGISTRY,
    camel,
    lookup,
    param,
)
from torchtcl_kernel.introspect import command_help


def test_every_command_answers_to_both_spellings(tcl):
    registered = set(tcl("info commands ::torch::*").split())
    for cmd in REGISTRY.values():
        assert f"::torch::{cmd.name}" in registered
        assert f"::torch::{camel(cmd.name)}" in registered
        assert lookup(f"::torch::{camel(cmd.name)}") is cmd


def test_package_require_succeeds(tcl):
    assert tcl("package require torch") == "2.0.0"


def test_tclshs_argument_variables_are_set(tcl):
    """As tclsh sets them for a session without arguments, so that a script reading $argc runs
    in the kernel and the magics (the CLI's own are in test_cli)."""
    assert tcl("list $argv0 $argv $argc") == "torchtcl {} 0"


@pytest.mark.parametrize("script", [
    "torch::zeros {2 3} float64 cpu true",                                   # positional
    "torch::zeros -shape {2 3} -dtype float64 -device cpu -requiresGrad true",  # named
    "torch::zeros -requires_grad true -device cpu -dtype float64 -shape {2 3}",  # any order, snake
    "torch::zeros {2 3} -dtype float64 -requiresGrad 1",                      # mixed
    "torch::zeros -size {2 3} -dtype float64 -requiresGrad yes",             # spec alias
])
def test_syntaxes_agree(tcl, script):
    t = tcl.interp.tensor(tcl(script))
    assert t.shape == (2, 3) and t.dtype == torch.float64 and t.requires_grad


@pytest.mark.parametrize("word, value", [("12", 12), ("012", 10), ("0x1f", 31), (" 7 ", 7),
                                         ("-3", -3), ("+4", 4), ("1e2", 100.0), ("0.5", 0.5)])
def test_numbers_read_as_tcl_reads_them(tcl, word, value):
    """Integers as Tcl 8.6 reads them (012 is octal), through the fast path and by name alike."""
    for script in (f"torch::full {{1}} {{{word}}}", f"torch::full -shape {{1}} -value {{{word}}}"):
        assert tcl.interp.tensor(tcl(script)).item() == value


@pytest.mark.parametrize("word", ["1_000", "\u0663", "08", "0x", "1e", "--1"])
def test_words_tcl_does_not_read_as_numbers_are_errors(tcl, word):
    assert "expected floating-point number" in tcl.error(f"torch::full {{1}} {word}").message


def test_negative_number_in_a_positional_slot_is_a_value(tcl):
    assert tcl.error("torch::manual_seed -1").message == \
        "Error in manual_seed: Seed must be non-negative"
    assert tcl("torch::tensor_item [torch::full {1} -3.5]") == "-3.500000"
    assert tcl("torch::tensor_shape [torch::linspace -1 1 5]") == "5"
    assert tcl("torch::tensor_item [torch::tensor_sum [torch::tensor_create {-1.0 -2.0}]]") == \
        "-3.000000"


def test_option_like_word_that_is_not_an_option_is_unknown(tcl):
    e = tcl.error("torch::zeros {3 3} -invalid_param value")
    assert e.message == "Unknown parameter: -invalid_param"
    assert e.error_code.split() == ["TORCH", "UNKNOWN_OPTION", "zeros"]


def test_missing_value_and_missing_required(tcl):
    assert tcl.error("torch::full -shape").message == "Missing value for parameter"
    assert tcl.error("torch::zeros -dtype float32").message == "Missing required parameter: -shape"
    assert tcl.error("torch::randn").message == "Required parameter missing: shape"
    assert tcl.error("torch::tensor_sub").message == \
        "Required parameters missing: -input and -other"
    assert tcl.error("torch::linspace -start 0 -end 10").message == "-steps parameter is required"


def test_too_many_positionals_gives_usage_with_the_invoked_name(tcl):
    tcl("set t [torch::ones {2}]")
    assert tcl.error("torch::tensor_shape $t extra").message == "Usage: torch::tensor_shape tensor"
    assert tcl.error("torch::tensor_sum $t 0 extra").message == \
        "Usage: torch::tensor_sum tensor ?dim?"
    assert tcl.error("torch::enableGrad x").message == 'wrong # args: should be "torch::enableGrad"'
    assert tcl.error("torch::tensor_dtype $t x").message == "Invalid number of arguments"


def test_positional_forms_are_told_apart_by_type(tcl):
    def values(script):
        return tcl.interp.tensor(tcl(script)).tolist()
    assert values("torch::arange 5") == [0, 1, 2, 3, 4]
    assert values("torch::arange 2 8") == [2, 3, 4, 5, 6, 7]
    assert values("torch::arange 0 10 2") == [0, 2, 4, 6, 8]
    assert tcl("torch::tensor_dtype [torch::arange 3 int32]") == "Int32"
    assert tcl("torch::tensor_shape [torch::eye 3 4]") == "3 4"
    assert tcl("torch::tensor_dtype [torch::eye 3 int32]") == "Int32"
    assert tcl("torch::tensor_shape [torch::tensor_create {1 2 3 4 5 6} {2 3} float32]") == "2 3"
    assert tcl("torch::tensor_dtype [torch::tensor_create {1 2 3} int32]") == "Int32"


def test_conversion_errors_are_tcl_style(tcl):
    assert tcl.error("torch::manual_seed abc").message == \
        'Error in manual_seed: expected integer but got "abc"'
    assert tcl.error("torch::zeros {3 3} -dtype bad").message == "Invalid dtype: bad"
    assert tcl.error("torch::zeros {3 3} -device tpu").message == "Invalid device: tpu"
    assert tcl.error("torch::zeros {3 x}").message == 'expected integer but got "x"'
    assert tcl.error("torch::zeros {3 3} -requiresGrad maybe").message == \
        'expected boolean value but got "maybe"'
    assert tcl.error("torch::mse_loss [torch::ones 2] [torch::ones 2] avg").message == \
        "Invalid reduction type: avg"        # the loss pages' text


def test_spec_error_texts_per_command(tcl):
    assert tcl.error("torch::manual_seed -seed").message == \
        "Error in manual_seed: Named parameters must come in pairs"
    assert tcl.error("torch::manual_seed -unknown 42").message == \
        "Error in manual_seed: Unknown parameter: -unknown. Valid parameters are: -seed, -s"
    assert tcl.error("torch::arange -start 1").message == \
        "upper bound and larger bound inconsistent with step sign"
    assert tcl.error("torch::layer_forward -layer {}").message == \
        "Required parameters missing: layer and input"
    assert tcl.error("torch::mse_loss -input [torch::ones 2]").message == \
        "Required parameters -input and -target must be provided"
    assert tcl.error("torch::tensor_to [torch::ones 2]").message == \
        "Required parameters missing: input and device"


def test_metadata_for_completion_and_docs(tcl):
    cmd = lookup("torch::optimizerSgd")
    assert {"-parameters", "-params", "-lr", "-learningRate", "-learning_rate", "-weightDecay",
            "-weight_decay"} <= set(cmd.options)
    assert cmd.forms[0].text.startswith("parameters lr")
    assert cmd.by_name["lr"].default == 0.01
    assert cmd.returns == "optimizer handle"
    for c in REGISTRY.values():
        assert c.doc, f"{c.name} has no description"
        assert all(re.fullmatch(r"-\w+", o) for o in c.options)


def _type_classes(cls=types.Type):
    for sub in cls.__subclasses__():
        yield sub
        yield from _type_classes(sub)


def test_every_type_declares_a_word_it_rejects(tcl):
    """tests/test_malformed_input.py gives each parameter its type's bad_example: a type that
    does not declare one (inheriting its parent's, which it may accept) would go untested."""
    for cls in _type_classes():
        assert "bad_example" in vars(cls), f"{cls.__name__} declares no bad_example"
        assert cls.bad_example is not None or issubclass(cls, types.Str), \
            f"{cls.__name__}: only free text (Str) may accept every word"
    checked = set()
    for cmd in REGISTRY.values():
        for p in cmd.params:
            if p.type.bad_example is None or id(p.type) in checked:
                continue
            checked.add(id(p.type))
            with pytest.raises(CommandError):
                p.type.convert(tcl.interp, p.type.bad_example)
    assert len(checked) > 20


def test_named_form_is_the_syntax_by_option(tcl):
    cmd = lookup("torch::zeros")
    assert cmd.named_form() == \
        "-shape shape ?-dtype dtype? ?-device device? ?-requiresGrad requires_grad?"
    assert lookup("torch::lr_scheduler_cosine").named_form() == \
        "-optimizer optimizer -tMax T_max ?-etaMin eta_min?"
    assert f"  torch::zeros {cmd.named_form()}" in command_help(cmd).split("\n")
    assert f"torch::zeros {cmd.named_form()}" in docs.syntax(cmd)


def test_the_tensor_input_parameter_reads_alike_everywhere(tcl):
    """-input is declared once (commands/common.py): every command taking it answers to -input and
    -tensor and names it `tensor` positionally, but where a page words it otherwise."""
    for name in ("tensor_relu", "tensor_print", "tensor_dtype", "tensor_sum", "zeros_like",
                 "rand_like", "tensor_grad", "tensor_to"):
        cmd = lookup(name)
        assert cmd.options["-input"] is cmd.options["-tensor"] is cmd.by_name["input"], name
        assert cmd.forms[0].text.split()[0] == "tensor", name
    tcl("set t [torch::tensor_create {-1.0 2.0}]")
    assert tcl("torch::tensor_dtype -tensor $t") == tcl("torch::tensor_dtype -input $t") == \
        "Float32"
    assert tcl("torch::tensor_print -tensor [torch::tensor_relu -tensor $t]") == \
        tcl("torch::tensor_print [torch::tensor_relu $t]")
    assert lookup("layer_forward").forms[0].text == "layer_handle input_tensor"
    assert tcl.error("torch::mse_loss -input nosuch -target $t").message == \
        "Invalid input tensor name"
    assert "-tensor" not in lookup("tensor_reshape").options


def test_a_dangling_option_is_named_unless_the_reference_shows_it_bare(tcl):
    """`torch::zeros -dtype` says which option lacks its value; the commands whose reference page
    (or errata.md) shows the bare "Missing value for parameter" keep that exact text."""
    seen = {"named": 0, "bare": 0}
    for name, cmd in REGISTRY.items():
        if not cmd.params or cmd.errors["no_value"] not in (BARE_NO_VALUE,
                                                             DEFAULT_ERRORS["no_value"]):
            continue            # a page's text of its own ("Missing value for option -file")
        option = cmd.params[-1].option
        try:
            tcl(f"torch::{name} {option}")
        except TorchTclError as e:
            if not e.error_code.startswith("TORCH NO_VALUE"):
                continue        # the reference checks something else first (usage, say)
            if name in BARE_NO_VALUE_COMMANDS:
                assert e.message == cmd.prefix + BARE_NO_VALUE, name
                seen["bare"] += 1
            else:
                assert e.message == f"{cmd.prefix}{BARE_NO_VALUE} {option}", name
                seen["named"] += 1
    assert seen["named"] >= 40 and seen["bare"] >= 10, seen   # (the test reached both kinds)


@pytest.mark.parametrize("positional, named", [
    ("torch::tensor_add $a $b", "torch::tensor_add -input $a -other $b"),
    ("torch::tensor_add $a $b 2", "torch::tensor_add $a -other $b -alpha 2"),
    ("torch::tensor_add $a $b 2", "torch::tensorAdd -other $b -alpha 2.0 -input $a"),
    ("torch::full {2 2} 3.5", "torch::full -value 3.5 -shape {2 2}"),
    ("torch::linspace -1 1 5", "torch::linspace -start -1 -end 1 -steps 5"),
    ("torch::cross_entropy_loss $logits $target", "torch::cross_entropy_loss $logits $target "
                                                   "-reduction mean"),
])
def test_options_take_the_fast_path_and_mean_what_parse_reads(tcl, positional, named):
    """`-option value` pairs are read in C, as Command.parse reads them, without running it."""
    tcl("set a [torch::tensor_create {1.0 2.0}]; set b [torch::tensor_create {10.0 20.0}]")
    tcl("set logits [torch::tensor_create {{0.5 1.5 0.0}}]; "
        "set target [torch::tensor_create {1} int64]")
    parse = REGISTRY["tensor_add"].parse.__func__
    with python_calls(parse) as calls:
        fast = tcl.interp.tensor(tcl(named))
    assert calls == []
    assert torch.equal(fast, tcl.interp.tensor(tcl(positional)))


def test_an_option_word_is_looked_up_once_per_option_set(tcl):
    """The bridge lets a Tcl value remember which option of a command it names (as Tcl's own
    commands do, Tcl_GetIndexFromObjStruct): the same value used by commands with other option
    sets, alternately, still reads as each command's own option, or as none."""
    tcl("set a [torch::tensor_create {1.0 2.0}]; set b [torch::tensor_create {10.0 20.0}]")
    tcl("set other -other; set alpha -alpha")
    parse = REGISTRY["tensor_add"].parse.__func__
    with python_calls(parse) as calls:
        for _ in range(3):
            for script, expected in (("torch::tensor_add $a $other $b $alpha 2", [21.0, 42.0]),
                                     ("torch::tensor_mul $a $other $b", [10.0, 40.0]),
                                     ("torch::tensor_sub $a $other $b $alpha 2", [-19.0, -38.0]),
                                     ("torch::tensor_div $a $other $b", [0.1, 0.1])):
                got = tcl.interp.tensor(tcl(script)).tolist()
                assert got == pytest.approx(expected), script
    assert calls == []
    assert "Unknown parameter: -alpha" in tcl.error("torch::tensor_mul $a $b $alpha 2").message
    assert tcl("set alpha") == "-alpha" and tcl("string length $other") == "6"


def test_options_the_fast_path_cannot_read_go_to_the_parser(tcl):
    tcl("set a [torch::tensor_create {1.0 2.0}]")
    parse = REGISTRY["tensor_add"].parse.__func__
    cases = {   # script: what the parser makes of it
        "torch::tensor_add -input $a -other $a -alpha 2 -alpha 3": [4.0, 8.0],   # the last one
        "torch::tensor_add -input $a -other 5": [6.0, 7.0],        # (-other takes a number too)
        "torch::tensor_add $a -other": "Missing value for parameter",
        "torch::tensor_add -other $a": "Required",
        "torch::tensor_add -input $a -other $a -bogus 1": "Unknown parameter: -bogus",
        "torch::tensor_add -input $a -other $a -alpha x": "expected floating-point number",
    }
    for script, expected in cases.items():
        with python_calls(parse) as calls:
            if isinstance(expected, list):
                assert tcl.interp.tensor(tcl(script)).tolist() == expected, script
            else:
                assert expected in tcl.error(script).message, script
        if script.endswith("-alpha 3"):
            assert calls == [], "a repeated option is read by the fast path too"
        elif not isinstance(expected, list):
            assert calls, f"{script}: the parser words the error"
    # a list whose text is an option is an option, as the parser reads every word's text
    assert tcl.interp.tensor(tcl("torch::tensor_add $a [list -other] $a")).tolist() == [2.0, 4.0]


@pytest.mark.parametrize("name, script, direct, expected", [
    ("tensor_add", "torch::tensor_add $a $b", True, lambda a, b: torch.add(a, b)),
    ("tensor_add", "torch::tensorAdd -other $b -input $a", True, lambda a, b: torch.add(a, b)),
    ("tensor_add", "torch::tensor_add $a $b 2", False, lambda a, b: torch.add(a, b, alpha=2)),
    ("tensor_add", "torch::tensor_add $a 5", False, lambda a, b: torch.add(a, 5)),
    ("tensor_matmul", "torch::tensor_matmul $a $b", True, lambda a, b: torch.matmul(a, b)),
    ("tensor_sum", "torch::tensor_sum $a", True, lambda a, b: torch.sum(a)),
    ("tensor_sum", "torch::tensor_sum $a 0", False, lambda a, b: torch.sum(a, 0)),
    ("tensor_relu", "torch::tensor_relu -input $a", True, lambda a, b: torch.relu(a)),
    ("gt", "torch::gt $a $b", True, lambda a, b: torch.gt(a, b)),
    ("bitwise_and", "torch::bitwise_and $i 6", False, lambda a, b: torch.tensor([0, 2, 2, 4])),
])
def test_direct_commands_call_pytorch_itself_on_handles_at_defaults(tcl, name, script, direct,
                                                                     expected):
    """A command declaring `direct` runs that PyTorch function with no Python frame of ours when
    its handle parameters come as handles and every other one is at its default; any other call
    runs the command's function, with the same result either way."""
    a, b = torch.tensor([[-1.0, 2.0], [3.0, -4.0]]), torch.tensor([[0.5, 1.0], [1.5, 2.0]])
    tcl.interp.tk.call("set", "a", tcl.interp.put(a))
    tcl.interp.tk.call("set", "b", tcl.interp.put(b))
    tcl("set i [torch::tensor_create {1 2 3 4} int64]")
    with python_calls(REGISTRY[name].func) as calls:
        got = tcl.interp.tensor(tcl(script))
    assert torch.equal(got, expected(a, b))
    assert (calls == []) is direct, script


@pytest.mark.parametrize("script, fast, expected", [
    ("torch::free $a $b $a", True, "2"),                 # a handle named twice is freed once
    ("torch::free", True, "0"),
    ("torch::hstack $a $b", True, [1.0, 2.0, 10.0, 20.0]),
    ("torch::hstack [list $a $b] $a", True, [1.0, 2.0, 10.0, 20.0, 1.0, 2.0]),
    ("torch::einsum i,i $a $b", True, 50.0),
    ("torch::hstack -tensors [list $a $b]", False, [1.0, 2.0, 10.0, 20.0]),
    # what the fast path cannot read goes to the parser, which words the error
    ("torch::free $a nosuch", False, "Unknown handle: nosuch"),
    ("torch::free $a -x", False, "Unknown parameter: -x"),
    ("torch::hstack", False, "wrong # args"),
    ("torch::einsum i", False, "Required parameter missing: tensors"),
])
def test_a_variadic_command_reads_its_words_in_c(tcl, script, fast, expected):
    """`torch::free $t ...` in a loop (docs/memory.md's advice) or `torch::hstack $a $b`: the
    words of a command's one variadic form are read by the fast path, each as its parameter's type
    reads it (a tensor handle as a handle: its name never becomes text, so it does not escape);
    the parser only reads what the fast path cannot."""
    parse = REGISTRY["free"].parse.__func__
    # (`list` last: the result, text, would make b's name escape)
    tcl("set a [torch::tensor_create {1.0 2.0}]; set b [torch::tensor_create {10.0 20.0}]; list")
    a, = (h for h in tcl.interp.store.handles.values() if h.kind == "tensor" and
          h.obj.tolist() == [1.0, 2.0])
    with python_calls(parse) as calls:
        if isinstance(expected, str) and not expected.isdigit():
            assert expected in tcl.error(script).message
        else:
            got = tcl(script)
            assert (got if isinstance(expected, str) else
                    tcl.interp.tensor(got).tolist()) == expected, script
    assert (calls == []) is fast, script
    if fast and "einsum" in script:     # (hstack reads each word as a list: its text)
        assert not a.escaped, script


def test_direct_needs_leading_handle_parameters():
    from torchtcl_kernel.commands.tensors import tensors
    for params in ((param("n", types.INT, 1),),                        # no handle at all
                   (param("input", types.TENSOR), param("n", types.INT))):   # a required number
        with pytest.raises(ValueError, match="direct"):
            tensors.command("test_only_bad_direct", *params, direct=torch.add)(
                lambda **kw: None)
        assert "test_only_bad_direct" not in REGISTRY


def test_a_choice_is_read_without_python_code(tcl):
    """`torch::autocast_enable cpu bfloat16` (every AMP step): its words are looked up in C; a
    word that is no choice still gets the parser's error."""
    from torchtcl_kernel.core.types import Choice
    for func in (Choice.convert, REGISTRY["autocast_enable"].parse.__func__):
        with python_calls(func) as calls:
            assert tcl("torch::autocast_enable cpu bfloat16") == "autocast enabled"
            assert tcl("torch::autocast_disable cpu") == "autocast disabled"
        assert calls == [], func
    assert "Device type: cuda or cpu" in tcl.error("torch::autocast_enable cpux").message
    assert tcl("torch::autocast_is_enabled cpu") == "0"
