/*
 * _tclbridge: the torch:: commands as Tcl object commands, and handles as Tcl values.
 *
 * 1. Handles whose lifetime Tcl's own reference counts decide. A command's result handle is a
 *    Tcl_Obj of the type "torchtcl-handle" with no string representation: whatever holds it (a
 *    variable, a list element, a pending argument word, the interpreter's result) holds a
 *    reference to it. When the last such Tcl_Obj is freed and Tcl never needed the handle's name
 *    as text, nothing can reach the handle any more, and it is freed at once. Once Tcl asks for
 *    the text (puts, string operations, a dict key, a result handed to Python ...) the name may
 *    be copied anywhere: the handle has escaped, and the reclaimer (reclaim.py) decides its fate
 *    by reading every variable at safe points.
 *
 * 2. A lean dispatch: a positional call whose words all convert (a handle argument is a pointer
 *    in its Tcl_Obj) calls the command's function straight from here; any other call goes to
 *    the command's general Python path, which parses and words the errors.
 *
 * Tcl calls the Tcl_ObjType procedures wherever it frees or copies a value, with or without the
 * GIL; they only touch C fields and note the handle in a pending list, drained with the GIL at
 * the next command or when Python asks (Store.drain).
 *
 * Every Python-implemented command of an interpreter must be created here: tkinter's own command
 * callbacks read a thread-state slot that a nested tkinter call made from inside one of these
 * commands leaves empty.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <structmember.h>
#include <tcl.h>    /* built with USE_TCL_STUBS (setup.py): binds to tkinter's Tcl */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#define MAX_FAST_WORDS 32

/* The pending exception as one object (PyErr_Fetch/Restore are deprecated since 3.12). */
#if PY_VERSION_HEX >= 0x030C0000
#define take_exception() PyErr_GetRaisedException()
#define restore_exception(e) PyErr_SetRaisedException(e)
#else
static PyObject *
take_exception(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL)
        return NULL;
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

static void
restore_exception(PyObject *e)
{
    if (e == NULL)
        return;
    PyObject *tb = PyException_GetTraceback(e);
    PyErr_Restore(Py_NewRef((PyObject *) Py_TYPE(e)), e, tb);
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* Handles                                                                                     */

struct StoreObject;

typedef struct {
    PyObject_HEAD
    PyObject *name;             /* ASCII str */
    PyObject *obj;              /* the object; NULL once the handle is freed */
    PyObject *kind;             /* kind name (interned str) */
    struct StoreObject *store;  /* borrowed: the store lets go of its handles when it goes;
                                 * NULL once freed. (Handles are no GC objects: cheap to make.) */
    long long seq;              /* creation order within the store */
    Py_ssize_t tcl_refs;        /* Tcl_Objs of our type pointing here (they share one reference) */
    /* Written 0 -> 1 only, by Python code with the GIL (mark_escaped_owned) or by Tcl in the
     * interpreter's thread, which may run without the GIL (tkinter releases it while Tcl
     * evaluates: Tcl may print a value while another Python thread reads h.name). A byte
     * store of the same value on both sides: no torn or lost state. Each side notes h in its
     * own list (thread-local vs GIL-guarded), so no list is shared. The worst outcome: both
     * see 0 and h is reported twice in one drain, counting its bytes twice in the store's
     * young_bytes/escapes (a pressure warning comes a little early). Decisions read it in
     * drain and the reclaimer, with the GIL, after the notes are drained. */
    char escaped;               /* the name exists as text somewhere */
    char pinned;                /* never reclaimed automatically */
} HandleObject;

typedef struct StoreObject {
    PyObject_HEAD
    PyObject *handles;          /* name -> HandleObject, the live handles */
    PyObject *by_id;            /* id(object) -> its latest HandleObject, every kind but tensors
                                 * (filled by new_handle; read by name_of) */
    /* name_of's last answers, for the objects a training loop labels at every step (an
     * optimizer, a scaler). Borrowed: an entry is used only while `names` is the `version` it
     * was made at, and `names` counts every handle of another kind than tensors made or
     * released, the only events that change an answer. Until then the handle is live (so it
     * holds its object, which no other object can replace at that address), by_id still maps
     * the object to it (new_handle changes both together) and holds it, and
     * its escape, marked when the entry was made, stays marked. */
    unsigned long long names;
    struct { PyObject *obj; HandleObject *h; unsigned long long version; } named[2];
    int named_next;
    PyObject *tensor_type;      /* torch.Tensor: results of exactly this type become handles here */
    PyObject *tensor_kind;      /* "tensor" */
    PyObject *on_escape;        /* on_escape(store, list of handles), called by drain; given
                                 * the store rather than bound to it: no cycle, so a store
                                 * goes by reference counting once its commands go */
    long long seq;
    long long tensor_serial;
} StoreObject;

static PyTypeObject HandleType;
static PyTypeObject StoreType;

/* Work noted by Tcl callbacks, drained with the GIL. Tcl frees and prints values in the thread of
 * their interpreter, so its notes go to lists of that thread (no lock); they borrow the handle,
 * which stays valid until its release is processed (escapes are processed before releases of the
 * same drain, and drain holds them before it calls any Python). Escapes noted from Python hold
 * the GIL and own a reference: such a handle may have no Tcl value at all. */
typedef struct { HandleObject **items; Py_ssize_t n, cap; } PendList;
static __thread PendList escaped_list, released_list;
static __thread int pending;
static PendList escaped_owned;

static void
pend(PendList *l, HandleObject *h)
{
    if (l->n == l->cap) {
        Py_ssize_t cap = l->cap ? 2 * l->cap : 64;
        HandleObject **items = PyMem_RawRealloc(l->items, cap * sizeof(*items));
        if (items == NULL)
            return;             /* out of memory: the handle is kept, never freed */
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = h;
}

/* The Tcl_ObjType of handle values ------------------------------------------------------------ */

static void
handle_free_rep(Tcl_Obj *o)
{
    HandleObject *h = o->internalRep.twoPtrValue.ptr1;
    if (--h->tcl_refs == 0) {
        pend(&released_list, h);
        pending = 1;
    }
}

static void
handle_dup_rep(Tcl_Obj *src, Tcl_Obj *dup)
{
    HandleObject *h = src->internalRep.twoPtrValue.ptr1;
    h->tcl_refs++;
    dup->internalRep.twoPtrValue.ptr1 = h;
    dup->internalRep.twoPtrValue.ptr2 = NULL;
    dup->typePtr = src->typePtr;
}

static void
mark_escaped(HandleObject *h)          /* from Tcl, where a Tcl value of h exists */
{
    if (!h->escaped) {
        h->escaped = 1;
        pend(&escaped_list, h);
        pending = 1;
    }
}

static void
mark_escaped_owned(HandleObject *h)    /* with the GIL */
{
    if (!h->escaped) {
        h->escaped = 1;
        Py_INCREF(h);
        pend(&escaped_owned, h);
    }
}

static void
handle_update_string(Tcl_Obj *o)
{
    HandleObject *h = o->internalRep.twoPtrValue.ptr1;
    /* An ASCII str: its characters are its UTF-8 bytes, readable without the GIL. */
    Py_ssize_t n = PyUnicode_GET_LENGTH(h->name);
    o->bytes = Tcl_Alloc((unsigned) n + 1);
    memcpy(o->bytes, PyUnicode_DATA(h->name), n);
    o->bytes[n] = '\0';
    o->length = (int) n;
    mark_escaped(h);
}

static const Tcl_ObjType handle_obj_type = {
    "torchtcl-handle", handle_free_rep, handle_dup_rep, handle_update_string, NULL
};

static const Tcl_ObjType *list_type, *dict_type;
static Tcl_Encoding utf8;

/* Make o a value of h (o has no internal representation of its own). The Tcl values of a
 * handle share one Python reference to it. */
static void
attach(Tcl_Obj *o, HandleObject *h)
{
    o->typePtr = &handle_obj_type;
    o->internalRep.twoPtrValue.ptr1 = h;
    o->internalRep.twoPtrValue.ptr2 = NULL;
    if (h->tcl_refs++ == 0)
        Py_INCREF(h);
}

static Tcl_Obj *
handle_value(HandleObject *h)
{
    Tcl_Obj *o = Tcl_NewObj();
    Tcl_InvalidateStringRep(o);         /* no text until Tcl asks for it */
    attach(o, h);
    return o;
}

/* The handle a word names: the pointer in a value of our type, else the name looked up (and
 * then kept in the word, if it was a plain string, for the next lookup). Borrowed; NULL if none
 * (no Python error set). */
static HandleObject *
handle_of(StoreObject *store, Tcl_Obj *o)
{
    if (o->typePtr == &handle_obj_type) {
        HandleObject *h = o->internalRep.twoPtrValue.ptr1;
        if (h->store == store)
            return h;
    }
    int len;
    const char *s = Tcl_GetStringFromObj(o, &len);
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return NULL;
    PyObject *key = PyUnicode_DecodeUTF8(s, len, NULL);
    if (key == NULL) {
        PyErr_Clear();
        return NULL;
    }
    HandleObject *h = (HandleObject *) PyDict_GetItemWithError(store->handles, key);
    Py_DECREF(key);
    if (h == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (o->typePtr == NULL)             /* a pure string: remember the handle in it */
        attach(o, h);
    mark_escaped_owned(h);              /* its name was text */
    return h;
}

/* handle_of(store, o) if it is a live handle of `kind`, else NULL (no Python error set). */
static HandleObject *
handle_of_kind(StoreObject *store, Tcl_Obj *o, PyObject *kind)
{
    HandleObject *h = handle_of(store, o);
    if (h && h->obj && h->kind && (h->kind == kind || PyUnicode_Compare(h->kind, kind) == 0))
        return h;
    return NULL;
}

/* Handle objects ---------------------------------------------------------------------------- */

static HandleObject *
new_handle(StoreObject *store, PyObject *obj, PyObject *kind, PyObject *name)
{
    HandleObject *h = PyObject_New(HandleObject, &HandleType);
    if (h == NULL)
        return NULL;
    h->name = Py_NewRef(name);
    h->obj = Py_NewRef(obj);
    h->kind = Py_NewRef(kind);
    h->store = store;
    h->seq = ++store->seq;
    h->tcl_refs = 0;
    h->escaped = 0;
    h->pinned = 0;
    if (PyDict_SetItem(store->handles, name, (PyObject *) h) < 0) {
        Py_DECREF(h);
        return NULL;
    }
    if (kind != store->tensor_kind) {   /* (kinds are interned) */
        /* name_of's map, and the count that tells its remembered answers they may be stale,
         * change here together */
        store->names++;
        PyObject *key = PyLong_FromVoidPtr(obj);
        if (key == NULL || PyDict_SetItem(store->by_id, key, (PyObject *) h) < 0) {
            Py_XDECREF(key);
            PyObject *type, *value, *tb;        /* (out of memory: no handle at all) */
            PyErr_Fetch(&type, &value, &tb);
            if (PyDict_DelItem(store->handles, name) < 0)
                PyErr_Clear();
            PyErr_Restore(type, value, tb);
            Py_DECREF(h);
            return NULL;
        }
        Py_DECREF(key);
    }
    return h;
}

/* "tensor<serial>", written by hand: a tensor result's name is made at every such command, and
 * snprintf's format parsing is a few hundred instructions and cache lines a call. */
static PyObject *
next_tensor_name(StoreObject *store)
{
    char digits[24];
    unsigned long long serial = (unsigned long long) ++store->tensor_serial;
    int n = 0;
    do {
        digits[n++] = (char) ('0' + serial % 10);
        serial /= 10;
    } while (serial);
    PyObject *name = PyUnicode_New(6 + n, 127);
    if (name == NULL)
        return NULL;
    Py_UCS1 *text = PyUnicode_1BYTE_DATA(name);
    memcpy(text, "tensor", 6);
    for (int i = 0; i < n; i++)
        text[6 + i] = (Py_UCS1) digits[n - 1 - i];
    return name;
}

static HandleObject *
new_tensor_handle(StoreObject *store, PyObject *tensor)
{
    PyObject *name = next_tensor_name(store);
    if (name == NULL)
        return NULL;
    HandleObject *h = new_handle(store, tensor, store->tensor_kind, name);
    Py_DECREF(name);
    return h;
}

/* Drop a handle from its store (its object goes once nothing else holds it). */
static void
release_handle(HandleObject *h)
{
    PyObject *obj = h->obj;
    if (obj == NULL || h->store == NULL)
        return;
    h->obj = NULL;
    if (h->kind != h->store->tensor_kind)
        h->store->names++;              /* name_of's remembered answers may be this one */
    PyObject *d = h->store->handles;
    h->store = NULL;
    PyObject *current = PyDict_GetItemWithError(d, h->name);
    if (current == (PyObject *) h) {
        if (PyDict_DelItem(d, h->name) < 0)
            PyErr_WriteUnraisable((PyObject *) h);
    }
    else if (current == NULL && PyErr_Occurred())
        PyErr_WriteUnraisable((PyObject *) h);
    Py_DECREF(obj);
}

static void
handle_dealloc(HandleObject *h)
{
    Py_CLEAR(h->obj);
    Py_CLEAR(h->kind);
    Py_CLEAR(h->name);
    Py_TYPE(h)->tp_free((PyObject *) h);
}

static PyObject *
handle_get_name(HandleObject *h, void *closure)
{
    /* Python code that reads the name may show it or pass it on as text: the handle escapes. */
    mark_escaped_owned(h);
    return Py_NewRef(h->name);
}

static PyObject *
handle_get_key(HandleObject *h, void *closure)
{
    return Py_NewRef(h->name);
}

static PyObject *
handle_get_obj(HandleObject *h, void *closure)
{
    return Py_NewRef(h->obj ? h->obj : Py_None);
}

static PyObject *
handle_get_escaped(HandleObject *h, void *closure)
{
    return PyBool_FromLong(h->escaped);
}

static PyObject *
handle_get_pinned(HandleObject *h, void *closure)
{
    return PyBool_FromLong(h->pinned);
}

static int
handle_set_pinned(HandleObject *h, PyObject *v, void *closure)
{
    int b = v ? PyObject_IsTrue(v) : 0;
    if (b < 0)
        return -1;
    h->pinned = (char) b;
    return 0;
}

static PyObject *
handle_release(HandleObject *h, PyObject *unused)
{
    release_handle(h);
    Py_RETURN_NONE;
}

static PyObject *
handle_repr(HandleObject *h)
{
    return PyUnicode_FromFormat("<handle %U%s>", h->name, h->obj ? "" : " (freed)");
}

static PyGetSetDef handle_getset[] = {
    {"name", (getter) handle_get_name, NULL, "The handle's name; reading it lets the name escape."},
    {"key", (getter) handle_get_key, NULL, "The name, for the store's own bookkeeping."},
    {"obj", (getter) handle_get_obj, NULL, "The object (None once freed)."},
    {"escaped", (getter) handle_get_escaped, NULL, NULL},
    {"pinned", (getter) handle_get_pinned, (setter) handle_set_pinned, NULL},
    {NULL}
};

static PyMemberDef handle_members[] = {
    {"kind", T_OBJECT, offsetof(HandleObject, kind), READONLY, NULL},
    {"seq", T_LONGLONG, offsetof(HandleObject, seq), READONLY, NULL},
    {"tcl_refs", T_PYSSIZET, offsetof(HandleObject, tcl_refs), READONLY, NULL},
    {NULL}
};

static PyMethodDef handle_methods[] = {
    {"release", (PyCFunction) handle_release, METH_NOARGS, "Free the handle now."},
    {NULL}
};

static PyTypeObject HandleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "torchtcl_kernel.core._tclbridge.Handle",
    .tp_basicsize = sizeof(HandleObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = (destructor) handle_dealloc,
    .tp_repr = (reprfunc) handle_repr,
    .tp_getset = handle_getset,
    .tp_members = handle_members,
    .tp_methods = handle_methods,
};

/* Draining what Tcl noted -------------------------------------------------------------------- */

static void
report_escapes(StoreObject *store, PyObject *list)
{
    if (store->on_escape == NULL || store->on_escape == Py_None)
        return;
    PyObject *r = PyObject_CallFunctionObjArgs(store->on_escape, (PyObject *) store, list, NULL);
    if (r == NULL) {
        if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
            PyErr_Clear();
            PyErr_SetInterrupt();       /* not lost: raised again by the next Python code */
        }
        else
            PyErr_WriteUnraisable((PyObject *) store);
    }
    Py_XDECREF(r);
}

static void
give_back(PendList *l, PendList used)
{
    if (l->items == NULL)
        *l = (PendList) {used.items, 0, used.cap};
    else
        PyMem_RawFree(used.items);
}

static void
drain(void)
{
    PyObject *saved = take_exception();
    while (pending || escaped_owned.n) {
        PendList esc = escaped_list, owned = escaped_owned, rel = released_list;
        escaped_list = escaped_owned = released_list = (PendList) {0};
        pending = 0;
        /* Python runs from here on (_escaped, finalizers, the cycle collector), and through it
         * Tcl and a nested drain, which may drop the reference a handle noted here borrows:
         * hold each one. */
        for (Py_ssize_t i = 0; i < esc.n; i++)
            Py_INCREF(esc.items[i]);
        /* Escapes, batched per store (there is usually one). */
        StoreObject *store = NULL;
        PyObject *batch = NULL;
        for (Py_ssize_t i = 0; i < esc.n + owned.n; i++) {
            HandleObject *h = i < esc.n ? esc.items[i] : owned.items[i - esc.n];
            if (h->obj == NULL || h->store == NULL || h->pinned)
                continue;
            if (h->store != store) {
                if (batch != NULL) {
                    report_escapes(store, batch);
                    Py_CLEAR(batch);
                    Py_CLEAR(store);
                }
                /* Python ran (the report; any allocation's cycle collection, finalizers):
                 * h may have been freed or pinned meanwhile. It is held, so its fields are
                 * still readable; check them again. */
                if (h->obj == NULL || h->store == NULL || h->pinned)
                    continue;
                store = (StoreObject *) Py_NewRef(h->store);
                batch = PyList_New(0);
                if (batch == NULL) {
                    PyErr_WriteUnraisable(NULL);
                    break;
                }
                if (h->obj == NULL || h->pinned)    /* (the same, after PyList_New) */
                    continue;
            }
            if (PyList_Append(batch, (PyObject *) h) < 0)
                PyErr_WriteUnraisable(NULL);
        }
        if (batch != NULL) {
            report_escapes(store, batch);
            Py_DECREF(batch);
        }
        Py_XDECREF(store);
        /* Releases: the last Tcl value of a handle went. */
        for (Py_ssize_t i = 0; i < rel.n; i++) {
            HandleObject *h = rel.items[i];
            if (h->tcl_refs == 0 && !h->escaped && !h->pinned && h->store != NULL)
                release_handle(h);
            Py_DECREF(h);               /* the reference the Tcl values shared */
        }
        for (Py_ssize_t i = 0; i < esc.n; i++)
            Py_DECREF(esc.items[i]);
        for (Py_ssize_t i = 0; i < owned.n; i++)
            Py_DECREF(owned.items[i]);
        /* The buffers back for the next notes, where no nested drain gave those lists new
         * ones meanwhile (an allocation a command saved, each time it frees a temporary). */
        give_back(&escaped_list, esc);
        give_back(&escaped_owned, owned);
        give_back(&released_list, rel);
    }
    restore_exception(saved);
}

/* ------------------------------------------------------------------------------------------ */
/* Strings between Tcl and Python                                                              */

/* Tcl's lengths are ints, and its encoding functions grow their Tcl_DString by doubling it
 * (2 * length + 1, from 200 bytes), which overflows an int once it must pass 200 * 2^23 bytes,
 * about 1.68 GB (the text then came out 30 characters too long). So text that is not ASCII crosses
 * through them only up to 1.5 GB of output (Tcl's form is at most as long as UTF-8 on the way
 * out, and at most twice as long on the way in: a NUL takes 2 bytes, a character beyond the BMP 6
 * for UTF-8's 4); longer text is an error. (ASCII text goes whole up to Tcl's limit, 2 GB.) */
#define TO_PYTHON_MAX 1500000000        /* bytes of Tcl's form */
#define TO_TCL_MAX 750000000            /* bytes of UTF-8 */

static void
too_long(Py_ssize_t n, const char *unit)
{
    PyErr_Format(PyExc_OverflowError, "text too long to cross between Tcl and Python (%zd %s)",
                 n, unit);
}

/* A str's UTF-8 as Tcl's UTF-8 encoding takes it, as tkinter writes it: a character that Tcl
 * holds and Unicode text cannot (a lone surrogate, which Tcl writes as the three bytes of its
 * code point) reaches Python as those bytes, each escaped (surrogateescape: str_of here, and
 * tkinter's own results), so escaped bytes go back as the bytes. A str holding any other lone
 * surrogate (from Python's own text) is written with each as its three bytes (surrogatepass).
 * A new bytes object, or NULL with a Python error. */
static PyObject *
utf8_of(PyObject *v)
{
    PyObject *bytes = PyUnicode_AsEncodedString(v, "utf-8", "surrogateescape");
    if (bytes == NULL && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        PyErr_Clear();
        bytes = PyUnicode_AsEncodedString(v, "utf-8", "surrogatepass");
    }
    return bytes;
}

static PyObject *
str_of(Tcl_Obj *o)
{
    int len;
    const char *s = Tcl_GetStringFromObj(o, &len);
    int ascii = 1;
    for (int i = 0; i < len; i++)
        if ((unsigned char) s[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (ascii)
        return PyUnicode_FromStringAndSize(s, len);
    if (len > TO_PYTHON_MAX) {
        too_long(len, "bytes");
        return NULL;
    }
    /* Tcl's internal UTF-8 (NUL as C0 80, characters beyond the BMP as surrogate pairs) to UTF-8 */
    Tcl_DString ds;
    Tcl_UtfToExternalDString(utf8, s, len, &ds);
    PyObject *r = PyUnicode_DecodeUTF8(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds),
                                       "surrogateescape");
    Tcl_DStringFree(&ds);
    return r;
}

static Tcl_Obj *
string_value(PyObject *v)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    if (PyUnicode_IS_ASCII(v) && memchr(PyUnicode_DATA(v), 0, n) == NULL) {
        if (n > INT_MAX) {
            too_long(n, "characters");
            return NULL;
        }
        return Tcl_NewStringObj(PyUnicode_DATA(v), (int) n);
    }
    /* Tcl's internal form of NUL and of characters beyond the BMP differs from UTF-8 */
    if (n > TO_TCL_MAX) {           /* (a character takes at least a byte: no need to encode) */
        too_long(n, "characters");
        return NULL;
    }
    PyObject *bytes = utf8_of(v);
    if (bytes == NULL)
        return NULL;
    n = PyBytes_GET_SIZE(bytes);
    if (n > TO_TCL_MAX) {
        Py_DECREF(bytes);
        too_long(n, "bytes of UTF-8");
        return NULL;
    }
    Tcl_DString ds;
    Tcl_ExternalToUtfDString(utf8, PyBytes_AS_STRING(bytes), (int) n, &ds);
    Tcl_Obj *o = Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
    Tcl_DStringFree(&ds);
    Py_DECREF(bytes);
    return o;
}

/* str(v) as a Tcl value; NULL with a Python error. */
static Tcl_Obj *
text_value(PyObject *v)
{
    PyObject *text = PyObject_Str(v);
    Tcl_Obj *o = text ? string_value(text) : NULL;
    Py_XDECREF(text);
    return o;
}

/* A Tcl double written as Python's repr writes it (the shortest text that reads back as the
 * same double; the reference's pages show 1e-08 where Tcl would write 1e-8). Tcl's own shortest
 * digits are several times faster than Python's formatting, so Tcl writes the number and the
 * two differences are mended: a one-digit exponent gets its zero (1e-5 -> 1e-05), and inf and
 * nan are spelled as Python spells them. Where Python writes an exponent and Tcl does not
 * (1e16 <= |x| < 1e17), Python formats it. NULL with a Python error. */
static Tcl_Obj *
double_value(double x)
{
    Tcl_Obj *o = Tcl_NewDoubleObj(x);
    /* Between 1e-4 and 1e16 Tcl writes a double as Python does: its text is left to be made
     * when needed, at the tcl_precision of that moment, as for any Tcl double. */
    if (x == 0.0 || (fabs(x) >= 1e-4 && fabs(x) < 1e16))
        return o;
    int n;
    const char *tcl = Tcl_GetStringFromObj(o, &n);
    char text[40];
    const char *fixed = NULL;
    if (isinf(x))
        fixed = x > 0 ? "inf" : "-inf";
    else if (isnan(x))
        fixed = "nan";
    else if (fabs(x) >= 1e16 && fabs(x) < 1e17) {
        char *py = PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
        if (py == NULL) {
            Tcl_DecrRefCount(o);
            return NULL;
        }
        snprintf(text, sizeof text, "%s", py);
        PyMem_Free(py);
        fixed = text;
    } else if (n >= 3 && n < 36 && tcl[n - 3] == 'e' && (tcl[n - 2] == '-' || tcl[n - 2] == '+')) {
        memcpy(text, tcl, n - 1);                   /* ...e-5 -> ...e-05 */
        text[n - 1] = '0';
        text[n] = tcl[n - 1];
        text[n + 1] = '\0';
        fixed = text;
    }
    if (fixed != NULL) {
        size_t len = strlen(fixed);
        Tcl_InvalidateStringRep(o);
        o->bytes = Tcl_Alloc((unsigned) len + 1);
        memcpy(o->bytes, fixed, len + 1);
        o->length = (int) len;
    }
    return o;
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                    */

typedef struct CommandData {
    PyObject *general;          /* callable(*words) -> result: every call can take this path */
    PyObject *on_error;         /* callable(exception) -> (message, (errorCode words ...)
                                 * [, text for errorInfo]) */
    PyObject *to_tcl;           /* callable(value) -> str | Handle | tuple: other results */
    StoreObject *store;
    /* The fast path (func == NULL: none) */
    PyObject *func;
    PyObject *lead;             /* the interpreter, passed first; or NULL */
    int n_min, n_max;           /* how many positional words it takes */
    /* Per parameter (the positional ones, or every one where options take this path too) */
    PyObject *kinds[MAX_FAST_WORDS];      /* a handle of this kind is the value (or NULL) */
    PyObject *converters[MAX_FAST_WORDS]; /* else (or then) this converts the word (or NULL) */
    PyObject *defaults;         /* tuple, one per parameter */
    PyObject *options;          /* dict: option word -> parameter index; or NULL (none here) */
    const struct OptionEntry *option_table;   /* the same, for Tcl_GetIndexFromObjStruct */
    PyObject *required;         /* the default of a required parameter (registry.REQUIRED), or
                                 * NULL (positional words only, never fewer than n_min) */
    PyObject *reads;            /* registry.Read.compiled() tuples, tried before func; or NULL */
    PyObject *direct;           /* registry Command.direct: called in place of func with the
                                 * first n_direct parameters when each came as a handle of its
                                 * kind and every other one is at its default; or NULL */
    int n_direct;
    int variadic;               /* the last parameter takes the remaining words, as a list */
    /* The last integer, text and list of integers served, as Tcl values: a getter asked again
     * for the same value (a dtype, a shape) hands out the same Tcl_Obj instead of making it
     * anew. (Not doubles: a double's text follows tcl_precision.) A value from these is
     * borrowed: hold it before the next tcl_value, which may replace it. */
    PyObject *last_text;
    Tcl_Obj *last_text_obj;
    long long last_int;
    Tcl_Obj *last_int_obj;
    long long last_dims[8];     /* the last list of integers served (a shape), up to 8 long */
    int last_ndims;
    Tcl_Obj *last_dims_obj;
    /* A Read's memo (registry.Read.memo): the tensor its value came from, at that version */
    PyObject *memo_tensor;
    long long memo_version;
    PyObject *memo_value;
    int calls;                  /* calls in progress (all counted with the GIL) */
    char deleted;               /* the command went while calls were in progress */
    /* Every live command of ours, in one list (changed with the GIL), so that delete_commands
     * finds an interpreter's commands under whatever names scripts gave them. */
    Tcl_Interp *interp;
    Tcl_Command token;
    struct CommandData *prev, *next;
} CommandData;

static CommandData *live_commands;

static void
command_data_free(CommandData *d)
{
    Py_XDECREF(d->general);
    Py_XDECREF(d->on_error);
    Py_XDECREF(d->to_tcl);
    Py_XDECREF(d->store);
    Py_XDECREF(d->func);
    Py_XDECREF(d->lead);
    for (int i = 0; i < MAX_FAST_WORDS; i++) {
        Py_XDECREF(d->kinds[i]);
        Py_XDECREF(d->converters[i]);
    }
    Py_XDECREF(d->defaults);
    Py_XDECREF(d->options);
    Py_XDECREF(d->required);
    Py_XDECREF(d->reads);
    Py_XDECREF(d->direct);
    Py_XDECREF(d->last_text);
    Py_XDECREF(d->memo_tensor);
    Py_XDECREF(d->memo_value);
    Tcl_Obj *held[] = {d->last_text_obj, d->last_int_obj, d->last_dims_obj};
    for (size_t i = 0; i < sizeof held / sizeof *held; i++)
        if (held[i])
            Tcl_DecrRefCount(held[i]);
    PyMem_Free(d);
}

static void
command_deleted(ClientData cd)
{
    CommandData *d = cd;
    if (!Py_IsInitialized())
        return;                         /* the process is ending: nothing to give back */
    PyGILState_STATE gs = PyGILState_Ensure();
    if (d->token != NULL) {
        *(d->prev ? &d->prev->next : &live_commands) = d->next;
        if (d->next)
            d->next->prev = d->prev;
        d->token = NULL;
    }
    /* A call in progress may have deleted it (rename, a new command of that name, the
     * interpreter going): the last call to return frees it. */
    if (d->calls)
        d->deleted = 1;
    else
        command_data_free(d);
    PyGILState_Release(gs);
}

/* Keeps o (a new Tcl value) in *slot in place of what was there; returns o. */
static Tcl_Obj *
keep(Tcl_Obj **slot, Tcl_Obj *o)
{
    Tcl_IncrRefCount(o);
    if (*slot)
        Tcl_DecrRefCount(*slot);
    return *slot = o;
}

static Tcl_Obj *
cached_int(CommandData *d, long long n)
{
    if (d->last_int_obj && n == d->last_int)
        return d->last_int_obj;
    d->last_int = n;
    return keep(&d->last_int_obj, Tcl_NewWideIntObj((Tcl_WideInt) n));
}

/* A tuple of Python ints as a Tcl list (the last one made, when it holds the same numbers), or
 * NULL when an item is not an int that fits (no Python error left set). */
static Tcl_Obj *
cached_ints(CommandData *d, PyObject *v)
{
    Py_ssize_t n = PyTuple_GET_SIZE(v);
    long long small[8], *x = n <= 8 ? small : PyMem_Malloc(n * sizeof *x);
    Tcl_Obj *o = NULL;
    Py_ssize_t k = 0;
    for (; x != NULL && k < n; k++) {
        PyObject *e = PyTuple_GET_ITEM(v, k);
        int overflow = 1;
        if (PyLong_CheckExact(e))
            x[k] = PyLong_AsLongLongAndOverflow(e, &overflow);
        if (overflow || (x[k] == -1 && PyErr_Occurred()))
            break;
    }
    if (x != NULL && k == n) {
        if (d->last_dims_obj && n == d->last_ndims && memcmp(x, d->last_dims, n * sizeof *x) == 0)
            o = d->last_dims_obj;
        else {
            o = Tcl_NewListObj(0, NULL);
            for (k = 0; k < n; k++)
                Tcl_ListObjAppendElement(NULL, o, Tcl_NewWideIntObj((Tcl_WideInt) x[k]));
            if (n <= 8) {
                memcpy(d->last_dims, x, n * sizeof *x);
                d->last_ndims = (int) n;
                keep(&d->last_dims_obj, o);
            }
        }
    }
    if (x != small)
        PyMem_Free(x);
    if (PyErr_Occurred())              /* (rarely: a call less per shape served) */
        PyErr_Clear();
    return o;
}

/* string_value(v), or the Tcl value last made for the same short str object (a command's
 * constant answer, "OK", "Float32"): most commands answer with one. */
static Tcl_Obj *
cached_text(CommandData *d, PyObject *v)
{
    if (v == d->last_text && d->last_text_obj)
        return d->last_text_obj;
    Tcl_Obj *o = string_value(v);
    if (o == NULL || PyUnicode_GET_LENGTH(v) > 64)
        return o;
    Py_XSETREF(d->last_text, Py_NewRef(v));
    return keep(&d->last_text_obj, o);
}

/* A Python result as a Tcl value: str, Handle, tensor (a new handle), tuple or list (a Tcl
 * list); anything else goes through to_tcl first. NULL with a Python error on failure. */
static Tcl_Obj *
tcl_value(CommandData *d, PyObject *v, int depth)
{
    PyTypeObject *t = Py_TYPE(v);
    if (t == &PyUnicode_Type)
        return cached_text(d, v);
    if (t == &HandleType)
        return handle_value((HandleObject *) v);
    /* Numbers as Tcl numbers (expr reads them without parsing), written as Python writes them
     * (the reference's pages show 1e-08, not Tcl's 1e-8), alone or in a list alike. */
    if (t == &PyFloat_Type)
        return double_value(PyFloat_AS_DOUBLE(v));
    if (t == &PyLong_Type) {
        int overflow;
        long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (!overflow && !(n == -1 && PyErr_Occurred()))
            return cached_int(d, n);
        PyErr_Clear();
        return text_value(v);           /* beyond 64 bits: Tcl reads the text as a bignum */
    }
    if (t == &PyBool_Type)
        return Tcl_NewStringObj(v == Py_True ? "1" : "0", 1);
    if (v == Py_None)
        return Tcl_NewObj();
    if (t == (PyTypeObject *) d->store->tensor_type) {
        HandleObject *h = new_tensor_handle(d->store, v);
        if (h == NULL)
            return NULL;
        Tcl_Obj *o = handle_value(h);
        Py_DECREF(h);
        return o;
    }
    if (depth > 64) {
        PyErr_SetString(PyExc_ValueError, "result nested too deeply");
        return NULL;
    }
    if (t == &PyTuple_Type || t == &PyList_Type) {
        Tcl_Obj *list = Tcl_NewListObj(0, NULL);
        /* to_tcl may change a list under us: its size read each time, the item held */
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); i++) {
            PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(v, i));
            Tcl_Obj *e = tcl_value(d, item, depth + 1);
            Py_DECREF(item);
            if (e == NULL) {
                Tcl_DecrRefCount(list);
                return NULL;
            }
            if (Tcl_ListObjAppendElement(NULL, list, e) != TCL_OK) {
                /* past Tcl's longest list (2^29 elements on 64 bits): an error, not a list cut
                 * short. (e may be a cached value: held and let go, so freed only if new.) */
                Tcl_IncrRefCount(e);
                Tcl_DecrRefCount(e);
                Tcl_DecrRefCount(list);
                PyErr_Format(PyExc_OverflowError, "list too long for Tcl (%zd elements or more)",
                             i + 1);
                return NULL;
            }
        }
        return list;
    }
    PyObject *c = PyObject_CallOneArg(d->to_tcl, v);
    if (c == NULL)
        return NULL;
    Tcl_Obj *o;
    PyTypeObject *ct = Py_TYPE(c);
    if (ct == &PyUnicode_Type || ct == &HandleType || ct == &PyTuple_Type || ct == &PyList_Type)
        o = tcl_value(d, c, depth + 1);
    else
        o = text_value(c);
    Py_DECREF(c);
    return o;
}

/* The Python error as the command's Tcl error (message and errorCode). */
/* TORCHTCL_TRACEBACK=1 (read at each error) appends the Python traceback to errorInfo. Not
 * always: most errors are the user's ("Invalid tensor name ..."), and errorInfo is what Tcl
 * users read; the traceback is for debugging torchtcl itself. */
static int
traceback_wanted(void)
{
    const char *v = getenv("TORCHTCL_TRACEBACK");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

static void
append_traceback(Tcl_Interp *interp, PyObject *exc)
{
    PyObject *saved = take_exception();
    PyObject *tbmod = PyImport_ImportModule("traceback");
    PyObject *lines = tbmod ? PyObject_CallMethod(tbmod, "format_exception", "O", exc) : NULL;
    PyObject *sep = lines ? PyUnicode_FromString("") : NULL;
    PyObject *text = sep ? PyUnicode_Join(sep, lines) : NULL;
    if (text != NULL) {
        PyObject *full = PyUnicode_FromFormat("\n(Python traceback)\n%U", text);
        Tcl_Obj *o = full ? string_value(full) : NULL;
        if (o != NULL) {
            Tcl_IncrRefCount(o);
            Tcl_AppendObjToErrorInfo(interp, o);
            Tcl_DecrRefCount(o);
        }
        Py_XDECREF(full);
    }
    PyErr_Clear();
    Py_XDECREF(text);
    Py_XDECREF(sep);
    Py_XDECREF(lines);
    Py_XDECREF(tbmod);
    restore_exception(saved);
}

static int
fail(Tcl_Interp *interp, CommandData *d)
{
    PyObject *exc = take_exception();
    if (exc == NULL) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj("unknown error", -1));
        return TCL_ERROR;
    }
    PyObject *r = PyObject_CallOneArg(d->on_error, exc);
    Tcl_Obj *message = NULL, *code = NULL;
    PyObject *info = NULL;
    if (r != NULL && PyTuple_Check(r) && (PyTuple_GET_SIZE(r) == 2 || PyTuple_GET_SIZE(r) == 3)) {
        message = tcl_value(d, PyTuple_GET_ITEM(r, 0), 0);
        if (message != NULL)        /* (it may be a cached value, which the next may replace) */
            Tcl_IncrRefCount(message);
        code = message ? tcl_value(d, PyTuple_GET_ITEM(r, 1), 0) : NULL;
        if (code == NULL)
            PyErr_Clear();
        if (PyTuple_GET_SIZE(r) == 3 && PyUnicode_Check(PyTuple_GET_ITEM(r, 2)))
            info = PyTuple_GET_ITEM(r, 2);
    }
    if (message == NULL) {
        PyErr_Clear();
        message = text_value(exc);
        PyErr_Clear();
        if (message == NULL)
            message = Tcl_NewStringObj("error", -1);
        Tcl_IncrRefCount(message);
    }
    Tcl_SetObjResult(interp, message);
    Tcl_DecrRefCount(message);
    if (code != NULL)
        Tcl_SetObjErrorCode(interp, code);
    if (info != NULL) {                 /* the original text, under the message in errorInfo */
        Tcl_Obj *text = string_value(info);
        if (text != NULL) {
            Tcl_IncrRefCount(text);
            Tcl_AppendObjToErrorInfo(interp, text);
            Tcl_DecrRefCount(text);
        }
        else
            PyErr_Clear();
    }
    if (traceback_wanted())
        append_traceback(interp, exc);
    Py_XDECREF(r);
    Py_DECREF(exc);
    return TCL_ERROR;
}

static PyObject *small_ints[2];       /* 0 and 1 */

/* obj.name as PyObject_GetAttr gives it, with a shortcut for what getters read most (a tensor's
 * shape, dtype and version): a C getter (getset descriptor) on the object's type. Where Python's
 * lookup finds one, it calls its getter and nothing else (a data descriptor on the type comes
 * before the instance's dict), so the shortcut calls the getter found last time for this type
 * and name, while the type is unchanged since: CPython resets a type's version tag (on which its
 * own attribute cache relies) whenever the type, a base or its bases change. A name that is not
 * such a getter is remembered too, so that it goes straight to PyObject_GetAttr and never pays
 * the type's lookup twice. (Measured: 0.02 to 0.03 us less per tensor getter.) */
typedef struct {
    PyTypeObject *type;         /* (held: the same address is the same object) */
    PyObject *name;
    unsigned int tag;           /* the type's version tag when the entry was made */
    getter get;                 /* or NULL: PyObject_GetAttr */
    void *closure;
} AttrGetter;

#define ATTR_GETTERS 64
static AttrGetter attr_getters[ATTR_GETTERS];

static int
version_valid(PyTypeObject *t)
{
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    if (!(t->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
        return 0;
#endif
    return t->tp_version_tag != 0;
}

static PyObject *
get_attr(PyObject *obj, PyObject *name)
{
#ifdef Py_GIL_DISABLED
    return PyObject_GetAttr(obj, name);     /* (the table and the borrowed lookup need the GIL) */
#endif
    PyTypeObject *t = Py_TYPE(obj);
    AttrGetter *a = &attr_getters[(((uintptr_t) t ^ (uintptr_t) name) >> 4) % ATTR_GETTERS];
    if (a->type == t && a->name == name && a->tag == t->tp_version_tag && version_valid(t))
        return a->get ? a->get(obj, a->closure) : PyObject_GetAttr(obj, name);
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL || !PyUnicode_CheckExact(name))
        return v;
    getter get = NULL;
    void *closure = NULL;
    if (t->tp_getattro == PyObject_GenericGetAttr) {
        PyObject *descr = _PyType_Lookup(t, name);     /* (borrowed; runs no Python code) */
        if (descr != NULL && Py_IS_TYPE(descr, &PyGetSetDescr_Type) &&
            PyType_IsSubtype(t, PyDescr_TYPE(descr))) {
            get = ((PyGetSetDescrObject *) descr)->d_getset->get;   /* (not NULL: v was read) */
            closure = ((PyGetSetDescrObject *) descr)->d_getset->closure;
        }
    }
    if (!version_valid(t))      /* (read after the lookup, which gives the type its tag) */
        return v;
    PyTypeObject *old_type = a->type;
    PyObject *old_name = a->name;
    a->type = (PyTypeObject *) Py_NewRef(t);
    a->name = Py_NewRef(name);
    a->tag = t->tp_version_tag;
    a->get = get;
    a->closure = closure;
    Py_XDECREF(old_type);       /* (last: freeing them may run Python code, which may look up) */
    Py_XDECREF(old_name);
    return v;
}

/* start.path... (Read.steps: getattr, method call, item), a new reference; NULL with an error. */
static PyObject *
walk(PyObject *start, PyObject *steps)
{
    PyObject *cur = Py_NewRef(start);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(steps) && cur != NULL; i++) {
        PyObject *step = PyTuple_GET_ITEM(steps, i), *arg = PyTuple_GET_ITEM(step, 1), *next;
        /* the op codes are small ints, which Python keeps one object each of */
        PyObject *op = PyTuple_GET_ITEM(step, 0);
        next = op == small_ints[0] ? get_attr(cur, arg) :
               op == small_ints[1] ? PyObject_CallMethodNoArgs(cur, arg) :
               PyObject_GetItem(cur, arg);
        Py_SETREF(cur, next);
    }
    return cur;
}

/* The version of a memo tensor (Tensor._version), or -1 (no Python error left set) */
static long long
tensor_version(PyObject *tensor)
{
    static PyObject *name;
    if (name == NULL && (name = PyUnicode_InternFromString("_version")) == NULL)
        return -1;
    if (tensor == Py_None)      /* not made yet (a GradScaler's scale before its first use) */
        return -1;
    PyObject *v = get_attr(tensor, name);
    long long n = v != NULL && PyLong_CheckExact(v) ? PyLong_AsLongLong(v) : -1;
    Py_XDECREF(v);
    if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_KeyboardInterrupt))
        PyErr_Clear();
    return n;
}

/* One Read of obj as the Tcl value it serves, or NULL: the value is not what the Read serves
 * (no Python error set), or a KeyboardInterrupt (set: the call fails with it). */
static Tcl_Obj *
read_value(CommandData *d, PyObject *obj, PyObject *read)
{
    PyObject *when = PyTuple_GET_ITEM(read, 0), *result = PyTuple_GET_ITEM(read, 2);
    PyObject *memo_steps = PyTuple_GET_ITEM(read, 3), *memo = NULL, *v = NULL;
    long long version = -1;
    Tcl_Obj *o = NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(when); i++) {
        PyObject *cond = PyTuple_GET_ITEM(when, i);
        PyObject *w = walk(obj, PyTuple_GET_ITEM(cond, 0));
        int met = w == PyTuple_GET_ITEM(cond, 1);
        Py_XDECREF(w);
        if (!met)
            goto out;
    }
    if (memo_steps != Py_None) {
        /* The same tensor at the same version holds the same value (autograd relies on every
         * in-place change bumping the version): serve the last value without reading it. */
        memo = walk(obj, memo_steps);
        if (memo == NULL || (version = tensor_version(memo)) < 0)
            goto out;
        if (memo == d->memo_tensor && version == d->memo_version && d->memo_value)
            v = Py_NewRef(d->memo_value);
    }
    if (v == NULL && (v = walk(obj, PyTuple_GET_ITEM(read, 1))) == NULL)
        goto out;
    if (PyDict_CheckExact(result)) {
        PyObject *text = PyDict_GetItemWithError(result, v);      /* borrowed */
        if (text != NULL && PyUnicode_CheckExact(text))
            o = cached_text(d, text);
    } else {
        long code = PyLong_AS_LONG(result);
        if (code == 0 && PyFloat_CheckExact(v))
            o = double_value(PyFloat_AS_DOUBLE(v));
        else if (code == 1 && PyLong_CheckExact(v)) {
            int overflow;
            long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
            if (!overflow && !(n == -1 && PyErr_Occurred()))
                o = cached_int(d, n);
        } else if (code == 2 && PyTuple_Check(v))
            o = cached_ints(d, v);
    }
    if (o != NULL && memo != NULL && v != d->memo_value) {
        Py_XSETREF(d->memo_tensor, Py_NewRef(memo));
        d->memo_version = version;
        Py_XSETREF(d->memo_value, Py_NewRef(v));
    }
out:
    Py_XDECREF(v);
    Py_XDECREF(memo);
    if (o == NULL && PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_KeyboardInterrupt))
        PyErr_Clear();
    return o;
}

/* The command's Reads of a handle of its kind: the first that serves, or NULL (see read_value). */
static Tcl_Obj *
served(CommandData *d, Tcl_Obj *word)
{
    HandleObject *h = handle_of_kind(d->store, word, d->kinds[0]);
    if (h == NULL)
        return NULL;
    PyObject *obj = Py_NewRef(h->obj);
    Tcl_Obj *o = NULL;
    for (Py_ssize_t i = 0; o == NULL && i < PyTuple_GET_SIZE(d->reads) && !PyErr_Occurred(); i++)
        o = read_value(d, obj, PyTuple_GET_ITEM(d->reads, i));
    Py_DECREF(obj);
    return o;
}

/* The word as parameter i's value (new reference), or NULL: with *status 1 when it does not
 * convert (take the general path; no Python error), 0 with a Python error (an interrupt).
 * *handle is set to 1 when the value is a handle's object. */
static PyObject *
fast_word(CommandData *d, int i, Tcl_Obj *word, int *status, char *handle)
{
    PyObject *v = NULL;
    if (d->kinds[i]) {
        HandleObject *h = handle_of_kind(d->store, word, d->kinds[i]);
        if (h) {
            *handle = 1;
            return Py_NewRef(h->obj);
        }
    }
    *handle = 0;
    if (d->converters[i]) {
        PyObject *s = str_of(word);
        if (s != NULL) {
            v = PyObject_CallOneArg(d->converters[i], s);
            Py_DECREF(s);
        }
        if (v == NULL) {
            if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
                *status = 0;
                return NULL;
            }
            PyErr_Clear();
        }
    }
    if (v == NULL)
        *status = 1;
    return v;
}

/* A command's options as Tcl_GetIndexFromObjStruct reads them: each spelling and the index of
 * its parameter, then a NULL name. That Tcl call remembers, in the word's Tcl value, the table
 * and the index found, so an option written in a loop body is looked up once, not at each call.
 * Since a remembered table is compared by its address only, a table is never freed nor changed:
 * one per distinct option set, shared by every command and interpreter that has that set. */
typedef struct OptionEntry {
    const char *name;
    int param;
} OptionEntry;

static PyObject *option_tables;     /* sorted (spelling, index) tuple -> capsule of its table */

static const OptionEntry *
option_table(PyObject *options)
{
    const OptionEntry *table = NULL;
    PyObject *items = PyDict_Items(options), *key = NULL, *capsule;
    if (items == NULL || PyList_Sort(items) < 0 || (key = PyList_AsTuple(items)) == NULL)
        goto out;
    if (option_tables == NULL && (option_tables = PyDict_New()) == NULL)
        goto out;
    if ((capsule = PyDict_GetItemWithError(option_tables, key)) != NULL) {
        table = PyCapsule_GetPointer(capsule, "option table");
        goto out;
    }
    if (PyErr_Occurred())
        goto out;
    Py_ssize_t n = PyTuple_GET_SIZE(key);
    OptionEntry *t = PyMem_RawCalloc(n + 1, sizeof(OptionEntry));
    if (t == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name, *index;
        const char *utf8;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(key, i), "UO!", &name, &PyLong_Type, &index) ||
            (utf8 = PyUnicode_AsUTF8(name)) == NULL || (t[i].name = strdup(utf8)) == NULL) {
            if (!PyErr_Occurred())
                PyErr_NoMemory();
            for (Py_ssize_t j = 0; j < i; j++)
                free((char *) t[j].name);
            PyMem_RawFree(t);
            goto out;
        }
        t[i].param = (int) PyLong_AsLong(index);
    }
    if ((capsule = PyCapsule_New(t, "option table", NULL)) == NULL ||
        PyDict_SetItem(option_tables, key, capsule) < 0) {
        Py_XDECREF(capsule);
        goto out;               /* (t stays allocated: harmless, and this never happens) */
    }
    Py_DECREF(capsule);
    table = t;
out:
    Py_XDECREF(items);
    Py_XDECREF(key);
    return table;
}

/* The index of the parameter the word names as an option of the command, or -1. A handle value
 * is never one; any other word is compared by its text, exactly, as the general parser
 * compares it (the Tcl value may then remember the option: only a word that is one, and
 * only its internal form changes, never its text). */
static int
option_index(CommandData *d, Tcl_Obj *word)
{
    if (d->option_table == NULL || word->typePtr == &handle_obj_type)
        return -1;
    int len, i;
    const char *text = Tcl_GetStringFromObj(word, &len);
    if (len < 2 || text[0] != '-')
        return -1;
    if (Tcl_GetIndexFromObjStruct(NULL, word, d->option_table, sizeof(OptionEntry), "option",
                                  TCL_EXACT, &i) != TCL_OK)
        return -1;
    return d->option_table[i].param;
}

/* The fast path: positional words, then (where the command has d->options) `-option value`
 * pairs, read as Command.parse reads them when every word converts. Returns the result (new
 * reference), or NULL: with *status 1 when the words did not convert (an unknown option, a
 * missing required parameter, ...: take the general path; no Python error), 0 with a Python
 * error. */
static PyObject *
fast_call(CommandData *d, int n, Tcl_Obj *const words[], int *status)
{
    PyObject *values[MAX_FAST_WORDS] = {NULL};   /* per parameter; NULL: not given */
    char handles[MAX_FAST_WORDS] = {0};           /* per parameter: the value is a handle's */
    PyObject *stack[1 + MAX_FAST_WORDS];
    Py_ssize_t np = PyTuple_GET_SIZE(d->defaults);
    PyObject *r = NULL;
    int positional = n, first = -1, i, k = 0;
    *status = 1;
    for (i = 0; d->options != NULL && i < n; i++)
        if ((first = option_index(d, words[i])) >= 0) {
            positional = i;
            break;
        }
    if (positional > d->n_max || (n - positional) % 2)
        return NULL;
    /* variadic: the words from the last parameter's on are its list (given whenever any word
     * is, as parse reads them) */
    int fixed = d->variadic ? (int) np - 1 : positional;
    for (i = 0; i < positional && i < fixed; i++)
        if ((values[i] = fast_word(d, i, words[i], status, &handles[i])) == NULL)
            goto done;
    if (d->variadic && positional > 0) {
        PyObject *list = PyList_New(0);
        if (list == NULL) {
            *status = 0;
            goto done;
        }
        values[fixed] = list;
        for (i = fixed; i < positional; i++) {
            char handle;
            PyObject *v = fast_word(d, fixed, words[i], status, &handle);
            if (v == NULL)
                goto done;
            int failed = PyList_Append(list, v);
            Py_DECREF(v);
            if (failed) {
                *status = 0;
                goto done;
            }
        }
    }
    for (i = positional; i < n; i += 2) {
        int p = i == positional ? first : option_index(d, words[i]);   /* (the first: found) */
        if (p < 0 || p >= np) {
            *status = 1;
            goto done;
        }
        PyObject *v = fast_word(d, p, words[i + 1], status, &handles[p]);
        if (v == NULL)
            goto done;
        Py_XSETREF(values[p], v);       /* given twice: the last one, as parse takes it */
    }
    if (d->direct != NULL) {
        int direct = 1;
        for (Py_ssize_t j = 0; j < np && direct; j++)
            direct = j < d->n_direct ? values[j] != NULL && handles[j] : values[j] == NULL;
        if (direct) {
            *status = 0;
            r = PyObject_Vectorcall(d->direct, values, d->n_direct, NULL);
            goto done;
        }
    }
    if (d->lead)
        stack[k++] = d->lead;
    for (Py_ssize_t j = 0; j < np; j++) {
        PyObject *v = values[j] ? values[j] : PyTuple_GET_ITEM(d->defaults, j);
        if (d->required != NULL && v == d->required) {
            *status = 1;
            goto done;
        }
        stack[k++] = v;
    }
    *status = 0;
    r = PyObject_Vectorcall(d->func, stack, k, NULL);
done:
    for (Py_ssize_t j = 0; j < np; j++)
        Py_XDECREF(values[j]);
    return r;
}

static int
command(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    CommandData *d = cd;
    PyGILState_STATE gs = PyGILState_Ensure();
    d->calls++;                         /* d outlives the command's deletion (command_deleted) */
    if (pending || escaped_owned.n)
        drain();
    int n = objc - 1;
    PyObject *result = NULL;
    int status = 1;
    if (d->reads != NULL && n == 1) {
        Tcl_Obj *value = served(d, objv[1]);
        if (value != NULL || PyErr_Occurred()) {
            if (value != NULL)
                Tcl_SetObjResult(interp, value);
            int code = value != NULL ? TCL_OK : fail(interp, d);
            if (--d->calls == 0 && d->deleted)
                command_data_free(d);
            PyGILState_Release(gs);
            return code;
        }
    }
    if (d->func != NULL && (d->options != NULL || (n >= d->n_min && n <= d->n_max)))
        result = fast_call(d, n, objv + 1, &status);
    if (status == 1) {
        PyObject *words = PyTuple_New(n);
        if (words != NULL) {
            for (int i = 0; i < n; i++) {
                PyObject *s = str_of(objv[i + 1]);
                if (s == NULL) {
                    Py_CLEAR(words);
                    break;
                }
                PyTuple_SET_ITEM(words, i, s);
            }
        }
        if (words != NULL) {
            result = PyObject_Call(d->general, words, NULL);
            Py_DECREF(words);
        }
    }
    int code;
    Tcl_Obj *value = result ? tcl_value(d, result, 0) : NULL;
    Py_XDECREF(result);
    if (value != NULL) {
        Tcl_SetObjResult(interp, value);
        code = TCL_OK;
    }
    else
        code = fail(interp, d);
    if (--d->calls == 0 && d->deleted)
        command_data_free(d);
    PyGILState_Release(gs);
    return code;
}

static int
interp_arg(PyObject *addr, Tcl_Interp **interp)
{
    void *p = PyLong_AsVoidPtr(addr);
    if (p == NULL && PyErr_Occurred())
        return 0;
    *interp = p;
    return 1;
}

static int stubs_ready;

static int
bind(Tcl_Interp *interp)
{
    if (stubs_ready)
        return 1;
    if (Tcl_InitStubs(interp, "8.6", 0) == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "torchtcl needs Tcl 8.6 (tkinter's Tcl is older)");
        return 0;
    }
    list_type = Tcl_GetObjType("list");
    dict_type = Tcl_GetObjType("dict");
    utf8 = Tcl_GetEncoding(NULL, "utf-8");
    stubs_ready = 1;
    return 1;
}

PyDoc_STRVAR(create_command_doc,
"create_command(interp, name, general, on_error, to_tcl, store, fast=None)\n\n"
"Create the Tcl command `name` in the interpreter at address `interp`. Each call runs\n"
"general(*words) (words as str), or, when `fast` = (func, lead, n_min, spec, defaults) is given\n"
"and the words convert, func(lead?, value..., defaults[n:]...) directly. spec has one\n"
"(kind, converter) pair per positional word: a handle of `kind` is the value, else\n"
"converter(word) is; a converter that raises sends the call to `general`. A sixth item,\n"
"registry.Read.compiled() tuples, serves a one-handle getter without calling func.");

/* A path's steps: ((op, arg), ...) with op 0 or 1 and a str, or 2 and anything */
static int
valid_steps(PyObject *steps)
{
    if (!PyTuple_Check(steps))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(steps); i++) {
        PyObject *s = PyTuple_GET_ITEM(steps, i);
        if (!PyTuple_Check(s) || PyTuple_GET_SIZE(s) != 2 ||
            !PyLong_CheckExact(PyTuple_GET_ITEM(s, 0)))
            return 0;
        long op = PyLong_AsLong(PyTuple_GET_ITEM(s, 0));
        if (op < 0 || op > 2 || (op < 2 && !PyUnicode_Check(PyTuple_GET_ITEM(s, 1))))
            return 0;
    }
    return 1;
}

static int
valid_reads(PyObject *reads)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(reads); i++) {
        PyObject *r = PyTuple_GET_ITEM(reads, i);
        if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4 || !PyTuple_Check(PyTuple_GET_ITEM(r, 0))
            || !valid_steps(PyTuple_GET_ITEM(r, 1)) ||
            (PyTuple_GET_ITEM(r, 3) != Py_None && !valid_steps(PyTuple_GET_ITEM(r, 3))))
            return 0;
        PyObject *when = PyTuple_GET_ITEM(r, 0), *result = PyTuple_GET_ITEM(r, 2);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(when); j++) {
            PyObject *c = PyTuple_GET_ITEM(when, j);
            if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) != 2 || !valid_steps(PyTuple_GET_ITEM(c, 0)))
                return 0;
        }
        if (!PyDict_CheckExact(result) && !(PyLong_CheckExact(result) &&
                                           PyLong_AsLong(result) >= 0 && PyLong_AsLong(result) <= 2))
            return 0;
    }
    return 1;
}

static PyObject *
create_command(PyObject *module, PyObject *args)
{
    PyObject *addr, *general, *on_error, *to_tcl, *store, *fast = Py_None;
    const char *name;
    Tcl_Interp *interp;
    if (!PyArg_ParseTuple(args, "OsOOOO!|O", &addr, &name, &general, &on_error, &to_tcl,
                          &StoreType, &store, &fast))
        return NULL;
    if (!interp_arg(addr, &interp) || !bind(interp))
        return NULL;
    CommandData *d = PyMem_Calloc(1, sizeof(CommandData));
    if (d == NULL)
        return PyErr_NoMemory();
    d->general = Py_NewRef(general);
    d->on_error = Py_NewRef(on_error);
    d->to_tcl = Py_NewRef(to_tcl);
    d->store = (StoreObject *) Py_NewRef(store);
    if (fast != Py_None) {
        /* (func, lead, n_min, spec, defaults[, reads, n_positional, options, required,
         *  (direct, n_direct) or None, variadic]) */
        PyObject *func, *lead, *spec, *defaults, *reads = NULL, *options = Py_None;
        PyObject *required = NULL, *direct = Py_None;
        int n_min, n_positional = -1, variadic = 0;
        if (!PyArg_ParseTuple(fast, "OOiO!O!|O!iOOOp", &func, &lead, &n_min, &PyTuple_Type, &spec,
                              &PyTuple_Type, &defaults, &PyTuple_Type, &reads, &n_positional,
                              &options, &required, &direct, &variadic))
            goto error;
        if (variadic && (options != Py_None || direct != Py_None ||
                         (reads != NULL && PyTuple_GET_SIZE(reads) > 0) ||
                         PyTuple_GET_SIZE(spec) != PyTuple_GET_SIZE(defaults) ||
                         PyTuple_GET_SIZE(spec) == 0)) {
            PyErr_SetString(PyExc_ValueError, "variadic: every parameter positional, the last "
                            "taking the remaining words; no options, direct or reads");
            goto error;
        }
        d->variadic = variadic;
        if (direct != Py_None) {
            PyObject *op;
            int n_direct;
            if (!PyArg_ParseTuple(direct, "Oi", &op, &n_direct))
                goto error;
            /* each of the first n_direct parameters takes a handle of a kind */
            int ok = lead == Py_None && n_direct >= 1 && n_direct <= PyTuple_GET_SIZE(spec);
            for (int i = 0; ok && i < n_direct; i++) {
                PyObject *s = PyTuple_GET_ITEM(spec, i);
                ok = PyTuple_Check(s) && PyTuple_GET_SIZE(s) == 2 &&
                     PyTuple_GET_ITEM(s, 0) != Py_None;
            }
            if (!ok) {
                PyErr_SetString(PyExc_ValueError, "direct: (callable, n) with n leading handle "
                                "parameters, and no lead");
                goto error;
            }
            d->direct = Py_NewRef(op);
            d->n_direct = n_direct;
        }
        if (reads != NULL && PyTuple_GET_SIZE(reads) > 0) {
            /* served() reads a handle of the first word's kind */
            PyObject *first = PyTuple_GET_SIZE(spec) == 1 ? PyTuple_GET_ITEM(spec, 0) : NULL;
            if (first == NULL || !PyTuple_Check(first) || PyTuple_GET_SIZE(first) != 2 ||
                PyTuple_GET_ITEM(first, 0) == Py_None || !valid_reads(reads)) {
                PyErr_SetString(PyExc_ValueError, "reads: one handle parameter and "
                                "((((op, arg), ...), constant), ...), steps, int | dict, steps | None) each");
                goto error;
            }
            d->reads = Py_NewRef(reads);
        }
        Py_ssize_t n = PyTuple_GET_SIZE(spec);
        if (n_positional < 0)
            n_positional = (int) n;
        if (n > MAX_FAST_WORDS || PyTuple_GET_SIZE(defaults) < n ||
            PyTuple_GET_SIZE(defaults) > MAX_FAST_WORDS || n_positional < 0 || n_positional > n ||
            (options != Py_None && (!PyDict_Check(options) ||
                                    n != PyTuple_GET_SIZE(defaults)))) {
            PyErr_SetString(PyExc_ValueError, "fast path: too many parameters, or options "
                            "without every parameter's conversion");
            goto error;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *kind, *converter;
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(spec, i), "OO", &kind, &converter))
                goto error;
            if (kind != Py_None)
                d->kinds[i] = Py_NewRef(kind);
            if (converter != Py_None)
                d->converters[i] = Py_NewRef(converter);
        }
        d->func = Py_NewRef(func);
        d->lead = lead == Py_None ? NULL : Py_NewRef(lead);
        d->n_min = n_min;
        d->n_max = variadic ? INT_MAX : n_positional;
        d->defaults = Py_NewRef(defaults);
        d->options = options == Py_None ? NULL : Py_NewRef(options);
        if (d->options != NULL && (d->option_table = option_table(options)) == NULL)
            goto error;
        d->required = Py_XNewRef(required);
    }
    d->interp = interp;
    d->token = Tcl_CreateObjCommand(interp, name, command, d, command_deleted);
    d->next = live_commands;
    if (live_commands)
        live_commands->prev = d;
    live_commands = d;
    Py_RETURN_NONE;
error:
    command_data_free(d);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading every variable without turning handle values into text                              */

typedef struct {
    StoreObject *store;
    PyObject *live;             /* set: names found */
    PyObject *prefixes;         /* set: every handle name without its trailing digits, or NULL */
    int longest;                /* the longest prefix */
} Scan;

static int
is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int
note_name(Scan *scan, const char *s, int n)
{
    PyObject *w = PyUnicode_FromStringAndSize(s, n);
    if (w == NULL)
        return -1;
    int found = PyDict_Contains(scan->store->handles, w);
    if (found > 0)
        found = PySet_Add(scan->live, w) < 0 ? -1 : 1;
    Py_DECREF(w);
    return found < 0 ? -1 : 0;
}

static int
note_tokens(Scan *scan, const char *s, int len)
{
    /* Every handle name anywhere in the text, inside longer words too ("x${t}y", "w_$t"): a
     * name is a prefix (which ends in a non-digit) and digits, so at each run of digits that
     * follows a word character, every handle prefix that ends there is tried with every leading
     * part of the digits. A longer word that merely contains a name keeps it: safe. */
    for (int d0 = 1; d0 < len; d0++) {
        unsigned char c = s[d0];
        if (!(c >= '0' && c <= '9') || !is_word(s[d0 - 1]) ||
            (s[d0 - 1] >= '0' && s[d0 - 1] <= '9'))
            continue;
        int d1 = d0;
        while (d1 < len && s[d1] >= '0' && s[d1] <= '9')
            d1++;
        for (int k = d0 - 1; k >= 0 && d0 - k <= scan->longest && is_word(s[k]); k--) {
            int known = 1;              /* without a prefix set, every word part is tried */
            if (scan->prefixes != NULL) {
                PyObject *prefix = PyUnicode_FromStringAndSize(s + k, d0 - k);
                if (prefix == NULL)
                    return -1;
                known = PySet_Contains(scan->prefixes, prefix);
                Py_DECREF(prefix);
                if (known < 0)
                    return -1;
            }
            for (int j = d0 + 1; known && j <= d1; j++)
                if (note_name(scan, s + k, j - k) < 0)
                    return -1;
        }
        d0 = d1;
    }
    return 0;
}

static int
note_value(Scan *scan, Tcl_Obj *o, int depth)
{
    if (o->typePtr == &handle_obj_type) {
        HandleObject *h = o->internalRep.twoPtrValue.ptr1;
        if (h->store == scan->store)
            return PySet_Add(scan->live, h->name);
    }
    if (o->bytes == NULL && depth < 1000) {
        if (o->typePtr == list_type) {
            int n;
            Tcl_Obj **items;
            if (Tcl_ListObjGetElements(NULL, o, &n, &items) == TCL_OK) {
                for (int i = 0; i < n; i++)
                    if (note_value(scan, items[i], depth + 1) < 0)
                        return -1;
                return 0;
            }
        }
        else if (o->typePtr == dict_type) {
            Tcl_DictSearch search;
            Tcl_Obj *key, *value;
            int done;
            if (Tcl_DictObjFirst(NULL, o, &search, &key, &value, &done) == TCL_OK) {
                int r = 0;
                for (; !done && r == 0; Tcl_DictObjNext(&search, &key, &value, &done))
                    r = (note_value(scan, key, depth + 1) < 0 ||
                         note_value(scan, value, depth + 1) < 0) ? -1 : 0;
                Tcl_DictObjDone(&search);
                return r;
            }
        }
    }
    int len;
    const char *s = Tcl_GetStringFromObj(o, &len);
    return note_tokens(scan, s, len);
}

PyDoc_STRVAR(live_doc,
"live(interp, script, store, prefixes) -> set\n\n"
"Evaluate `script`, which must return a list of values, and return the names of the store's\n"
"handles those values hold: handle values found inside lists and dicts (without making them\n"
"text), and handle names found anywhere in any text. `prefixes`: the set of the handle names\n"
"without their trailing digits.");

static PyObject *
live(PyObject *module, PyObject *args)
{
    PyObject *addr, *prefixes;
    const char *script;
    StoreObject *store;
    Tcl_Interp *interp;
    if (!PyArg_ParseTuple(args, "OsO!O!", &addr, &script, &StoreType, &store, &PySet_Type,
                          &prefixes))
        return NULL;
    Scan scan = {store, NULL, prefixes, 0};
    PyObject *iter = PyObject_GetIter(prefixes), *p;
    if (iter == NULL)
        return NULL;
    while ((p = PyIter_Next(iter)) != NULL) {
        if (PyUnicode_Check(p) && PyUnicode_GET_LENGTH(p) > scan.longest)
            scan.longest = (int) PyUnicode_GET_LENGTH(p);
        Py_DECREF(p);
    }
    Py_DECREF(iter);
    if (PyErr_Occurred())
        return NULL;
    if (!interp_arg(addr, &interp) || !bind(interp))
        return NULL;
    Tcl_InterpState saved = Tcl_SaveInterpState(interp, TCL_OK);
    /* The script runs Tcl's own commands only; the GIL stays held (a variable trace that calls
     * one of our commands takes it again, which is allowed on the same thread). */
    PyObject *result = NULL;
    if (Tcl_EvalEx(interp, script, -1, 0) != TCL_OK) {
        PyObject *message = str_of(Tcl_GetObjResult(interp));
        if (message != NULL) {
            PyErr_SetObject(PyExc_RuntimeError, message);
            Py_DECREF(message);
        }
    }
    else {
        Tcl_Obj *values = Tcl_GetObjResult(interp);
        Tcl_IncrRefCount(values);
        result = scan.live = PySet_New(NULL);
        int n;
        Tcl_Obj **items;
        if (result != NULL && Tcl_ListObjGetElements(interp, values, &n, &items) == TCL_OK) {
            for (int i = 0; i < n; i++)
                if (note_value(&scan, items[i], 0) < 0) {
                    Py_CLEAR(result);
                    break;
                }
        }
        Tcl_DecrRefCount(values);
    }
    Tcl_RestoreInterpState(interp, saved);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Store                                                                                       */

static int
store_init(StoreObject *self, PyObject *args, PyObject *kwds)
{
    PyObject *tensor_type, *on_escape = Py_None;
    if (!PyArg_ParseTuple(args, "O!|O", &PyType_Type, &tensor_type, &on_escape))
        return -1;
    if (on_escape != Py_None && !PyCallable_Check(on_escape)) {
        PyErr_SetString(PyExc_TypeError, "on_escape must be callable or None");
        return -1;
    }
    Py_XSETREF(self->on_escape, Py_NewRef(on_escape));
    Py_XSETREF(self->handles, PyDict_New());
    if (self->handles == NULL)
        return -1;
    Py_XSETREF(self->by_id, PyDict_New());
    if (self->by_id == NULL)
        return -1;
    Py_XSETREF(self->tensor_type, Py_NewRef(tensor_type));
    PyObject *kind = PyUnicode_InternFromString("tensor");
    if (kind == NULL)
        return -1;
    Py_XSETREF(self->tensor_kind, kind);
    return 0;
}

static int
store_traverse(StoreObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->handles);
    Py_VISIT(self->by_id);
    Py_VISIT(self->tensor_type);
    Py_VISIT(self->on_escape);
    return 0;
}

static int
store_clear(StoreObject *self)
{
    if (self->handles != NULL) {        /* its handles outlive it only as dead ones */
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(self->handles, &pos, &key, &value))
            if (Py_TYPE(value) == &HandleType)
                ((HandleObject *) value)->store = NULL;
    }
    self->names++;                      /* (no remembered answer outlives by_id) */
    Py_CLEAR(self->handles);
    Py_CLEAR(self->by_id);
    Py_CLEAR(self->tensor_type);
    Py_CLEAR(self->tensor_kind);
    Py_CLEAR(self->on_escape);
    return 0;
}

static void
store_dealloc(StoreObject *self)
{
    /* (A Python subclass's own dealloc gives back the reference to its type.) */
    PyObject_GC_UnTrack(self);
    store_clear(self);
    Py_TYPE(self)->tp_free((PyObject *) self);
}

static PyObject *
store_new_handle(StoreObject *self, PyObject *args)
{
    PyObject *obj, *kind, *name;
    if (!PyArg_ParseTuple(args, "OUU", &obj, &kind, &name))
        return NULL;
    if (!PyUnicode_IS_ASCII(name) || PyUnicode_GET_LENGTH(name) == 0) {
        PyErr_SetString(PyExc_ValueError, "a handle name is a non-empty ASCII word");
        return NULL;
    }
    Py_INCREF(kind);
    PyUnicode_InternInPlace(&kind);
    PyObject *h = (PyObject *) new_handle(self, obj, kind, name);
    Py_DECREF(kind);
    return h;
}

/* Telemetry labels each record with its source's handle, right after a training step, when
 * the caches hold the step's data: in C this is a few memory lines where the same lookup in
 * Python took about 2 us. */
static PyObject *
store_name_of(StoreObject *self, PyObject *obj)
{
    if (self->by_id == NULL) {          /* (a store cleared by the collector) */
        PyErr_SetString(PyExc_RuntimeError, "the handle store is gone");
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        if (self->named[i].obj == obj && self->named[i].version == self->names)
            return Py_NewRef(self->named[i].h->name);
    PyObject *key = PyLong_FromVoidPtr(obj);       /* id(obj) */
    if (key == NULL)
        return NULL;
    PyObject *h = PyDict_GetItemWithError(self->by_id, key);     /* borrowed */
    Py_DECREF(key);
    if (h != NULL && Py_TYPE(h) == &HandleType && ((HandleObject *) h)->obj == obj) {
        mark_escaped_owned((HandleObject *) h);      /* as reading h.name: records show it */
        int i = self->named_next;
        self->named[i].obj = obj;
        self->named[i].h = (HandleObject *) h;
        self->named[i].version = self->names;
        self->named_next = !i;
        return Py_NewRef(((HandleObject *) h)->name);
    }
    if (PyErr_Occurred())
        return NULL;
    return PyObject_GetAttrString((PyObject *) Py_TYPE(obj), "__name__");
}

static PyObject *
store_drain(StoreObject *self, PyObject *unused)
{
    drain();
    Py_RETURN_NONE;
}

static PyObject *
store_next_tensor_name(StoreObject *self, PyObject *unused)
{
    return next_tensor_name(self);
}

static PyMethodDef store_methods[] = {
    {"new_handle", (PyCFunction) store_new_handle, METH_VARARGS,
     "new_handle(obj, kind, name) -> Handle"},
    {"next_tensor_name", (PyCFunction) store_next_tensor_name, METH_NOARGS,
     "The next tensorN name (for a tensor put from Python)."},
    {"name_of", (PyCFunction) store_name_of, METH_O,
     "name_of(obj) -> the name of obj's handle (a module, optimizer, scheduler or scaler: the\n"
     "latest one made for it, if it is live), else its type's name. The name escapes."},
    {"drain", (PyCFunction) store_drain, METH_NOARGS,
     "Free the handles whose last Tcl value went; report escapes to on_escape(store, list)."},
    {NULL}
};

static PyMemberDef store_members[] = {
    {"handles", T_OBJECT, offsetof(StoreObject, handles), READONLY, "name -> Handle"},
    {"by_id", T_OBJECT, offsetof(StoreObject, by_id), READONLY,
     "id(object) -> its latest Handle, every kind but tensors (new_handle fills it)"},
    {"seq", T_LONGLONG, offsetof(StoreObject, seq), READONLY, "handles created so far"},
    {NULL}
};

static PyTypeObject StoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "torchtcl_kernel.core._tclbridge.Store",
    .tp_basicsize = sizeof(StoreObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc) store_init,
    .tp_dealloc = (destructor) store_dealloc,
    .tp_traverse = (traverseproc) store_traverse,
    .tp_clear = (inquiry) store_clear,
    .tp_methods = store_methods,
    .tp_members = store_members,
};

/* ------------------------------------------------------------------------------------------ */

PyDoc_STRVAR(delete_commands_doc,
"delete_commands(interp)\n\n"
"Delete every command create_command made in the interpreter at address `interp`, whatever\n"
"names scripts gave them since. Returns how many.");

static PyObject *
delete_commands(PyObject *module, PyObject *addr)
{
    Tcl_Interp *interp;
    if (!interp_arg(addr, &interp) || !bind(interp))
        return NULL;
    long n = 0;
    for (;;) {
        /* From the top each time: a delete trace may delete other commands of ours. */
        CommandData *d = live_commands;
        while (d != NULL && d->interp != interp)
            d = d->next;
        if (d == NULL)
            break;
        Tcl_DeleteCommandFromToken(interp, d->token);  /* command_deleted unlinks d */
        n++;
    }
    return PyLong_FromLong(n);
}

PyDoc_STRVAR(names_in_doc,
"names_in(text, store) -> set\n\n"
"The names of the store's handles found anywhere in `text`, as live() finds them in values (every\n"
"word part of up to 64 characters before a run of digits is tried: short texts, no prefix set).");

static PyObject *
names_in(PyObject *module, PyObject *args)
{
    PyObject *text;
    StoreObject *store;
    if (!PyArg_ParseTuple(args, "UO!", &text, &StoreType, &store))
        return NULL;
    /* (names are ASCII; other text is any text Tcl gave, which may hold the escaped bytes of a
     * lone surrogate: utf8_of) */
    PyObject *bytes = NULL;
    const char *s = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (!PyUnicode_IS_ASCII(text)) {
        if ((bytes = utf8_of(text)) == NULL)
            return NULL;
        s = PyBytes_AS_STRING(bytes);
        len = PyBytes_GET_SIZE(bytes);
    }
    Scan scan = {store, PySet_New(NULL), NULL, 64};
    if (scan.live != NULL && len > INT_MAX) {
        too_long(len, "bytes");
        Py_CLEAR(scan.live);
    }
    if (scan.live != NULL && note_tokens(&scan, s, (int) len) < 0)
        Py_CLEAR(scan.live);
    Py_XDECREF(bytes);
    return scan.live;
}


/* ------------------------------------------------------------------------------------------ */
/* Ctrl-C during an evaluation (cancel.py's SigintRelay)                                        */

/* While Tcl loops no Python runs, so Python's own SIGINT handler (which only notes the signal)
 * cannot stop it. This handler runs before Python's, as the signal arrives, and writes the number
 * of the evaluation window open at that moment to a pipe; a Python thread reading it asks Tcl to
 * unwind that evaluation (Tcl_CancelEval, which is meant for other threads). Not Tcl_AsyncMark
 * from the handler: in Tcl 8.6.13 it takes a mutex, which a signal handler must not. */
static struct sigaction sigint_prev;
static int sigint_fd = -1;
static volatile long long sigint_window;   /* written by the main thread, read by the handler */
static volatile sig_atomic_t sigint_on;

static void
on_sigint(int signum, siginfo_t *info, void *context)
{
    int saved = errno;
    long long window = __atomic_load_n(&sigint_window, __ATOMIC_SEQ_CST);
    if (sigint_fd >= 0 && window > 0) {
        ssize_t unused = write(sigint_fd, &window, sizeof window);   /* atomic: < PIPE_BUF */
        (void) unused;
    }
    errno = saved;
    /* then whatever handled it before (Python's, which runs the Python-level handler later) */
    if (sigint_prev.sa_flags & SA_SIGINFO)
        sigint_prev.sa_sigaction(signum, info, context);
    else if (sigint_prev.sa_handler != SIG_DFL && sigint_prev.sa_handler != SIG_IGN)
        sigint_prev.sa_handler(signum);
}

static int
sigint_is_ours(const struct sigaction *sa)
{
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_sigint;
}

/* ------------------------------------------------------------------------------------------ */
/* Tcl's events, served as an evaluation; the CLI's prompt serving them while readline waits    */

/* What Tcl has pending (an `after` script, a fileevent), as tclsh serves it at its prompt: at
 * most EVENTS_AT_ONCE events, so that a script that keeps scheduling itself (`after 0`) cannot
 * keep a caller waiting, and none once the evaluation is cancelled. TorchTcl.serve_events calls
 * it inside an evaluation, so that an interrupt stops what the events run as it stops a command;
 * no Tcl command is involved, which a script could delete or replace. */
#define EVENTS_AT_ONCE 1000

static PyObject *tcl_error;             /* tkinter's TclError */

PyDoc_STRVAR(serve_events_doc,
"serve_events(interp) -> str\n\n"
"Serve Tcl's pending events, at most 1000; raise tkinter's TclError once the evaluation running\n"
"them is cancelled. The GIL is released meanwhile (the events' commands take it themselves).");

static PyObject *
serve_events(PyObject *module, PyObject *addr)
{
    Tcl_Interp *interp;
    if (!interp_arg(addr, &interp) || !bind(interp))
        return NULL;
    if (tcl_error == NULL) {
        PyObject *tkinter = PyImport_ImportModule("_tkinter");
        tcl_error = tkinter ? PyObject_GetAttrString(tkinter, "TclError") : NULL;
        Py_XDECREF(tkinter);
        if (tcl_error == NULL)
            return NULL;
    }
    int code = TCL_OK;
    Py_BEGIN_ALLOW_THREADS
    for (int i = 0; i < EVENTS_AT_ONCE && Tcl_DoOneEvent(TCL_ALL_EVENTS | TCL_DONT_WAIT); i++)
        if ((code = Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG)) != TCL_OK)
            break;
    if (code == TCL_OK)
        code = Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG);
    Py_END_ALLOW_THREADS
    if (code != TCL_OK) {
        PyErr_SetString(tcl_error, Tcl_GetStringResult(interp));
        return NULL;
    }
    return PyUnicode_FromString("");
}

/* readline calls PyOS_InputHook as it waits for a key, after each 0.1 s of waiting and after each
 * key. tkinter's hook waits in Tcl's event loop until a key comes, and a Ctrl-C is not seen there:
 * it was only seen at the next key, and then threw away the line typed after it; nor could it
 * stop a script an event ran (`after 100 {while 1 {}}`), which hung the prompt. This one calls
 * the CLI's serve() (TorchTcl.serve_events, above) and returns: readline's own wait sees a signal
 * as it comes. */
static PyObject *prompt_serve;          /* the CLI's serve() */

static int
prompt_hook(void)
{
    PyGILState_STATE gs = PyGILState_Ensure();
    /* readline calls the hook as its wait ends, a signal's too, before it runs the signal's
     * Python handler: Python code run here would run that handler first, and a Ctrl-C meant for
     * the prompt would be raised in serve(). So a SIGINT that came is left for readline (taken
     * and put back, with no Python code run in between), and nothing is served this time. */
    if (PyOS_InterruptOccurred())
        PyErr_SetInterruptEx(SIGINT);
    else {
        PyObject *r = PyObject_CallNoArgs(prompt_serve);
        if (r == NULL)                  /* (serve() reports its own errors) */
            PyErr_WriteUnraisable(prompt_serve);
        Py_XDECREF(r);
    }
    PyGILState_Release(gs);
    return 0;
}

PyDoc_STRVAR(serve_at_prompt_doc,
"serve_at_prompt(serve)\n\n"
"While input() waits for a line through readline, call serve() every 0.1 s, in place of\n"
"tkinter's input hook (which waits until a key comes, deaf to Ctrl-C). serve() must catch its\n"
"own errors.");

static PyObject *
serve_at_prompt(PyObject *module, PyObject *serve)
{
    Py_XSETREF(prompt_serve, Py_NewRef(serve));
    PyOS_InputHook = prompt_hook;
    Py_RETURN_NONE;
}


PyDoc_STRVAR(sigint_relay_doc,
"sigint_relay(fd, window) -> bool\n\n"
"window > 0: until the next call, a SIGINT writes `window` (a native long long) to the file\n"
"descriptor `fd` before the handler installed now runs. False (nothing done) where SIGINT is\n"
"ignored or left to the system's default (the process would end, as asked).\n"
"window 0: give SIGINT back to that handler (unless something replaced ours meanwhile), then\n"
"run the Python-level handlers of signals that came in (PyErr_CheckSignals), so that none is\n"
"left to run under a handler installed after.");

static PyObject *
sigint_relay(PyObject *module, PyObject *args)
{
    int fd;
    long long window;
    if (!PyArg_ParseTuple(args, "iL", &fd, &window))
        return NULL;
    struct sigaction current;
    if (sigaction(SIGINT, NULL, &current) < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    if (window <= 0) {
        __atomic_store_n(&sigint_window, 0, __ATOMIC_SEQ_CST);
        if (sigint_on && sigint_is_ours(&current) && sigaction(SIGINT, &sigint_prev, NULL) < 0)
            return PyErr_SetFromErrno(PyExc_OSError);
        sigint_on = 0;
        if (PyErr_CheckSignals() < 0)
            return NULL;
        Py_RETURN_FALSE;
    }
    if (!sigint_on || !sigint_is_ours(&current)) {
        int handled = (current.sa_flags & SA_SIGINFO) ? current.sa_sigaction != NULL
            : (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN);
        if (!handled || sigint_is_ours(&current))
            Py_RETURN_FALSE;
        struct sigaction ours = current;     /* its mask and flags (SA_ONSTACK), our function */
        ours.sa_flags |= SA_SIGINFO;
        ours.sa_sigaction = on_sigint;
        sigint_prev = current;
        sigint_fd = fd;
        if (sigaction(SIGINT, &ours, NULL) < 0)
            return PyErr_SetFromErrno(PyExc_OSError);
        sigint_on = 1;
    }
    sigint_fd = fd;
    __atomic_store_n(&sigint_window, window, __ATOMIC_SEQ_CST);
    Py_RETURN_TRUE;
}

static PyMethodDef module_methods[] = {
    {"sigint_relay", sigint_relay, METH_VARARGS, sigint_relay_doc},
    {"serve_at_prompt", serve_at_prompt, METH_O, serve_at_prompt_doc},
    {"serve_events", serve_events, METH_O, serve_events_doc},
    {"names_in", names_in, METH_VARARGS, names_in_doc},
    {"create_command", create_command, METH_VARARGS, create_command_doc},
    {"delete_commands", delete_commands, METH_O, delete_commands_doc},
    {"live", live, METH_VARARGS, live_doc},
    {NULL}
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_tclbridge",
    "torch:: commands as Tcl object commands, and handles as Tcl values (see _tclbridge.c).",
    -1, module_methods
};

PyMODINIT_FUNC
PyInit__tclbridge(void)
{
    if (PyType_Ready(&HandleType) < 0 || PyType_Ready(&StoreType) < 0)
        return NULL;
    for (int i = 0; i < 2; i++)
        if (small_ints[i] == NULL && (small_ints[i] = PyLong_FromLong(i)) == NULL)
            return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Handle", (PyObject *) &HandleType) < 0 ||
        PyModule_AddObjectRef(m, "Store", (PyObject *) &StoreType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
