"""Compatibility shim that makes raet 0.6.8 (a Python 2/3.4-era package) run on Python 3.10+.

Import this module before anything from ``raet``:

    import raetshim  # noqa: F401  (must come first)
    from raet.road import stacking

What it fixes:

* ``collections.Mapping`` & co. were removed in Python 3.10; raet 0.6.8 and ioflo still import
  them from ``collections``. They are aliased to ``collections.abc``.
* ``raet.road.packeting.RxBody.parse`` calls ``json.loads(..., encoding='utf-8')``; the
  ``encoding`` argument was removed from ``json.loads`` in Python 3.9, so *every* received road
  message with a JSON body (bk=1) would fail with TypeError. The module's ``json`` reference is
  replaced by a wrapper that drops ``encoding``.
* raet passes ``encoding='utf-8'`` to msgpack. msgpack < 1.0 (the supported install) accepts it
  (with a deprecation warning, silenced here). With msgpack >= 1.0 the argument no longer exists;
  the wrapper then maps it to the equivalent options (pack: ``use_bin_type=False``; unpack:
  ``raw=False``), which keeps the wire format of raet 0.6.8 + msgpack 0.6 (str and bytes are both
  packed as the msgpack "raw/str" family, never as "bin").

``shim_info()`` reports what was applied.
"""

import collections
import collections.abc
import json as _json
import sys
import types
import warnings

for _name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Set", "MutableSet",
              "Iterable", "Iterator", "Callable", "Hashable", "Sized", "Container",
              "KeysView", "ItemsView", "ValuesView"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"msgpack.*")
warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module=r"msgpack.*")
warnings.filterwarnings("ignore", message=r".*encoding is deprecated.*")

try:
    import msgpack as _msgpack
except ImportError:  # pragma: no cover - the supported install always has msgpack
    _msgpack = None

_INFO = {"python": sys.version.split()[0], "json_shim": False, "msgpack": None,
         "msgpack_shim": False, "msgpack_c_extension": False}


def _drop_encoding(fn):
    def wrapper(*args, **kwargs):
        kwargs.pop("encoding", None)
        return fn(*args, **kwargs)
    wrapper.__name__ = getattr(fn, "__name__", "wrapper")
    return wrapper


def _make_json_compat():
    mod = types.ModuleType("json_raetcompat")
    for attr in dir(_json):
        if not attr.startswith("__"):
            setattr(mod, attr, getattr(_json, attr))
    mod.loads = _drop_encoding(_json.loads)
    mod.load = _drop_encoding(_json.load)
    return mod


def _make_msgpack_compat(mp):
    mod = types.ModuleType("msgpack_raetcompat")
    for attr in dir(mp):
        if not attr.startswith("__"):
            setattr(mod, attr, getattr(mp, attr))

    def pack_kw(kwargs):
        if kwargs.pop("encoding", None) is not None:
            kwargs.setdefault("use_bin_type", False)
        return kwargs

    def unpack_kw(kwargs):
        if kwargs.pop("encoding", None) is not None:
            kwargs.setdefault("raw", False)
        else:
            kwargs.setdefault("raw", True)
        return kwargs

    mod.packb = mod.dumps = lambda o, **kw: mp.packb(o, **pack_kw(kw))
    mod.pack = mod.dump = lambda o, stream, **kw: mp.pack(o, stream, **pack_kw(kw))
    mod.unpackb = mod.loads = lambda packed, **kw: mp.unpackb(packed, **unpack_kw(kw))
    mod.unpack = mod.load = lambda stream, **kw: mp.unpack(stream, **unpack_kw(kw))
    return mod


def _patch():
    import raet.road.packeting as packeting
    import raet.lane.paging as paging
    import raet.keeping as keeping

    jcompat = _make_json_compat()
    for m in (packeting, paging, keeping):
        if getattr(m, "json", None) is _json:
            m.json = jcompat
    _INFO["json_shim"] = True

    if _msgpack is not None:
        _INFO["msgpack"] = ".".join(str(v) for v in _msgpack.version)
        _INFO["msgpack_c_extension"] = "fallback" not in _msgpack.Packer.__module__
        if _msgpack.version >= (1, 0, 0):
            mcompat = _make_msgpack_compat(_msgpack)
            for m in (packeting, paging, keeping):
                if getattr(m, "msgpack", None) is _msgpack:
                    m.msgpack = mcompat
            _INFO["msgpack_shim"] = True


_patch()


def shim_info():
    """What the shim applied (versions, which wrappers are active)."""
    import raet
    info = dict(_INFO)
    info["raet"] = getattr(raet, "__version__", None)
    return info


if __name__ == "__main__":
    print(_json.dumps(shim_info()))
