"""A corpus of hostile inputs, by class, each a few lines of user code (run by
tests/test_hostile_inputs.py in a separate process, and one process each by
``python tests/hostile_inputs.py``).

Each case is ``(class, code, expect)``:
- ``"raise"``: the code must raise a clear error (ValueError, TypeError, RuntimeError,
  IndexError, KeyError, FileNotFoundError, ZeroDivisionError), never crash, hang, return, or
  raise another kind (AttributeError, MemoryError, OverflowError ... mean a check is missing);
- ``"ok"``: the code must run (its own ``assert`` lines check the answer is right).
The code sees ``engine``, ``np``, ``nn``, ``F``, ``optim`` and ``tmp`` (a fresh folder).
"""
import os
import subprocess
import sys
import tempfile

PRELUDE = ("import engine, numpy as np\nfrom engine import nn, optim\n"
           "import engine.nn.functional as F\n")

# the clear errors (their subclasses too: AxisError, engine's GradDtypeError ...)
CLEAR = (ValueError, TypeError, RuntimeError, IndexError, KeyError, FileNotFoundError,
         ZeroDivisionError, IsADirectoryError, NotADirectoryError)


def _params():
    return "nn.Linear(2, 2).parameters()"


CASES = []


def case(kind, code, expect="raise"):
    CASES.append((kind, code.strip("\n"), expect))


# ---------------------------------------------------------------- thread counts
for n in ("10**6", "2**31", "2**31 - 1", "2**63", "0", "-1", "2.5", "True", "'4'", "None",
          "float('nan')"):
    case("thread count", f"engine.set_num_threads({n})")
case("thread count", """
try:
    engine.set_num_threads(10**6)
except (ValueError, TypeError):
    pass
a = engine.randn(256, 256)
assert np.allclose((a @ a).data, a.data @ a.data, rtol=1e-3, atol=1e-3)
y = F.conv2d(engine.randn(2, 3, 16, 16), engine.randn(4, 3, 3, 3))
assert y.shape == (2, 4, 14, 14)
""", "ok")

# ---------------------------------------------------------------- threads
case("threads", """
import threading
ready, done = threading.Event(), threading.Event()
def other():
    with engine.no_grad():
        ready.set()
        done.wait(10)
t = threading.Thread(target=other); t.start(); ready.wait(10)
x = engine.randn(3, requires_grad=True)
y = (x * 2).sum()
done.set(); t.join(10)
assert y.requires_grad, "another thread's no_grad() stopped this thread's recording"
""", "ok")
case("threads", """
import threading
rng = np.random.default_rng(0)
xs = [engine.tensor(rng.normal(size=(4, 8, 12, 12)).astype(np.float32)) for _ in range(6)]
w = engine.tensor(rng.normal(size=(8, 8, 3, 3)).astype(np.float32))
alone = [F.conv2d(x, w, padding=1).data for x in xs]
out = [None] * len(xs)
def run(i):
    for _ in range(5):
        out[i] = F.conv2d(xs[i], w, padding=1).data
threads = [threading.Thread(target=run, args=(i,)) for i in range(len(xs))]
[t.start() for t in threads]; [t.join(60) for t in threads]
for a, b in zip(alone, out):
    assert np.array_equal(a, b), "concurrent convolutions disagree with one at a time"
""", "ok")

# ---------------------------------------------------------------- in-place after forward
case("in-place", """
x = engine.randn(3, requires_grad=True)
y = x.exp()
with engine.no_grad():
    y.mul_(2)
y.sum().backward()
""")
case("in-place", """
x = engine.randn(3, requires_grad=True)
a = x * 1
y = a * a
with engine.no_grad():
    a.add_(1)
y.sum().backward()
""")
case("in-place", """
w = engine.randn(3, requires_grad=True)
x = engine.randn(3)
y = (w * x).sum()
x.zero_()
y.backward()
""")
case("in-place", """
x = engine.randn(4, requires_grad=True)
y = x.sigmoid()
with engine.no_grad():
    y[0] = 5.0
y.sum().backward()
""")
case("in-place", """
x = engine.randn(3, requires_grad=True)
y = (x * 2).sum()
y.backward()
with engine.no_grad():
    x.add_(1)
assert x.grad is not None
""", "ok")

# ---------------------------------------------------------------- edges: empty, k = 0, NaN
case("edges", """
lin = nn.Linear(3, 2)
lin(engine.randn(0, 3)).sum().backward()
assert (lin.weight.grad.data == 0).all() and (lin.bias.grad.data == 0).all()
""", "ok")
case("edges", """
w = engine.randn(2, 1, 3, 3, requires_grad=True)
F.conv2d(engine.randn(0, 1, 5, 5), w).sum().backward()
assert w.grad.data.shape == (2, 1, 3, 3) and (w.grad.data == 0).all()
""", "ok")
for dt in ("engine.float32", "engine.float64"):
    case("edges", f"""
c = engine.randn(3, 0, dtype={dt}) @ engine.randn(0, 4, dtype={dt})
assert c.shape == (3, 4) and (c.data == 0).all()
""", "ok")
case("edges", """
a = engine.randn(2, 3, 0, requires_grad=True); b = engine.randn(2, 0, 5, requires_grad=True)
c = a @ b
assert c.shape == (2, 3, 5) and (c.data == 0).all()
c.sum().backward()
assert a.grad.shape == (2, 3, 0) and b.grad.shape == (2, 0, 5)
""", "ok")
for backend in ("native", "reference"):
    case("edges", f"""
with engine.using_backend("{backend}"):
    nan = float("nan")
    x = engine.tensor([[[[nan, 1.0], [2.0, 3.0]]]])
    assert np.isnan(F.max_pool2d(x, 2).data).all()
    assert np.isnan(F.relu(engine.tensor([nan, 1.0])).data[0])
    assert np.isnan(engine.tensor([nan, 1.0]).max().item())
    assert np.isnan(engine.tensor([nan, 1.0]).clamp(0, 0.5).data[0])
    assert np.isnan(F.leaky_relu(engine.tensor([nan])).data[0])
    assert np.isnan(F.softmax(engine.tensor([nan, 1.0]), dim=0).data).all()
    assert np.isnan(engine.maximum(engine.tensor([nan]), engine.tensor([0.0])).data[0])
""", "ok")
case("edges", """
x = engine.tensor(np.full((1, 64, 8, 8), np.nan, dtype=np.float32))
w = engine.randn(64, 64, 3, 3)
assert np.isnan(F.conv2d(x, w, padding=1).data).all()
""", "ok")

# ---------------------------------------------------------------- size products
# huge kernels, strides and paddings with a small, well-defined answer: it must be right
case("size products", """
x = engine.randn(1, 1, 5, 5)
assert F.max_pool2d(x, 2, stride=2**62).data.item() == x.data[0, 0, :2, :2].max()
assert F.max_pool2d(x, 2**40, padding=2**39).data.item() == x.data.max()
""", "ok")
case("size products", """
x = engine.randn(1, 1, 5, 5, dtype=engine.float64)
y = F.avg_pool2d(x, (2**31, 2**31), padding=(2**30, 2**30)).data.item()
assert np.isclose(y, x.data.sum() / 2.0**62, rtol=1e-6), y     # the zeros of the padding count
""", "ok")
for code in ("F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), dilation=2**40)",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), padding=2**40)",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), stride=2**63)",
             "F.max_pool2d(engine.randn(1, 1, 5, 5), 3, stride=1, padding=2**62)",
             "F.max_pool2d(engine.randn(1, 1, 5, 5), 2**63)",
             "F.avg_pool2d(engine.randn(1, 1, 5, 5), 2, stride=-1)",
             "F.conv_transpose2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), stride=2**62)",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), groups=2**63)"):
    case("size products", code)

# ---------------------------------------------------------------- hyper-parameters
for opt, bad in [("SGD", "lr=float('nan')"), ("SGD", "lr=float('inf')"), ("SGD", "lr=-1"),
                 ("SGD", "lr=True"), ("SGD", "lr='0.1'"), ("SGD", "lr=0.1, momentum=float('nan')"),
                 ("SGD", "lr=0.1, momentum=-0.5"), ("SGD", "lr=0.1, weight_decay=float('inf')"),
                 ("SGD", "lr=0.1, nesterov='yes'"), ("Adam", "lr=0.1, betas=(1.0, 0.999)"),
                 ("Adam", "lr=0.1, betas=(0.9, float('nan'))"), ("Adam", "lr=0.1, eps=-1e-8"),
                 ("Adam", "lr=0.1, betas=0.9"), ("AdamW", "lr=0.1, weight_decay=float('nan')"),
                 ("RMSprop", "lr=0.1, alpha=float('nan')"), ("RMSprop", "lr=0.1, alpha=1.5"),
                 ("Adagrad", "lr=0.1, eps=float('inf')"), ("Adadelta", "lr=1.0, rho=2.0"),
                 ("Adam", "lr=[0.1]"), ("SGD", "lr=None")]:
    case("hyper-parameters", f"optim.{opt}({_params()}, {bad})")
case("hyper-parameters", "p = nn.Parameter(engine.randn(2)); optim.SGD([p, p], lr=0.1)")
case("hyper-parameters", """
p = nn.Parameter(engine.randn(2))
optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
""")
for sched in ("StepLR(o, step_size=0)", "StepLR(o, step_size=2.5)",
              "StepLR(o, step_size=1, gamma=float('nan'))", "ExponentialLR(o, gamma=float('inf'))",
              "ExponentialLR(o, gamma='0.9')", "CosineAnnealingLR(o, T_max=0)",
              "CosineAnnealingLR(o, T_max=10, eta_min=float('nan'))",
              "MultiStepLR(o, milestones=[3, 1])", "MultiStepLR(o, milestones=[1, 2], gamma=True)",
              "LambdaLR(o, 3)", "OneCycleLR(o, max_lr=float('nan'), total_steps=10)",
              "OneCycleLR(o, max_lr=0.1, total_steps=0)",
              "OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5)",
              "ReduceLROnPlateau(o, factor=1.5)", "ReduceLROnPlateau(o, patience=-1)"):
    case("hyper-parameters", f"o = optim.SGD({_params()}, lr=0.1); optim.lr_scheduler.{sched}")
for layer in ("nn.Linear(2.7, 3)", "nn.Linear(True, 3)", "nn.Linear(0, 3)", "nn.Linear(-1, 3)",
              "nn.Linear('2', 3)", "nn.Conv2d(1, 1, True)", "nn.Conv2d(1, 1, 3, stride=0)",
              "nn.Conv2d(1, 1, 3, padding=-1)", "nn.Conv2d(1, 1, 3, dilation=0)",
              "nn.Conv2d(1, 1, 3, padding=(1, 2, 3))", "nn.Conv2d(1.5, 1, 3)",
              "nn.MaxPool2d(-1)", "nn.MaxPool2d(0)", "nn.MaxPool2d(2, stride=0)",
              "nn.AvgPool2d(2.5)", "nn.BatchNorm1d(3, eps=float('nan'))",
              "nn.BatchNorm1d(3, eps=-1)", "nn.BatchNorm1d(3, momentum=2.0)",
              "nn.BatchNorm2d(0)", "nn.Dropout(float('nan'))", "nn.Dropout(1.5)",
              "nn.Dropout(True)", "nn.Dropout('0.5')", "nn.Embedding(0, 3)",
              "nn.LSTM(3, 4, num_layers=0)", "nn.RNN(3, 4, nonlinearity='foo')",
              "nn.LeakyReLU(float('nan'))", "nn.Flatten(1.5)", "nn.Upsample(scale_factor=0)",
              "nn.Upsample(scale_factor=float('nan'))", "nn.CrossEntropyLoss(reduction='avg')",
              "nn.CrossEntropyLoss(label_smoothing=1.5)", "nn.MSELoss(reduction=None)"):
    case("hyper-parameters", layer)
for loader in ("batch_size=0", "batch_size=2.5", "batch_size=True", "batch_size=float('nan')",
               "batch_size=-3", "shuffle='yes'", "drop_last=2"):
    case("hyper-parameters", "from engine.utils.data import DataLoader, TensorDataset\n"
                             f"DataLoader(TensorDataset(engine.randn(4, 2)), {loader})")
case("hyper-parameters", "F.dropout(engine.randn(3), float('nan'))")
case("hyper-parameters", "nn.utils.clip_grad_norm_(nn.Linear(2, 2).parameters(), float('nan'))")
case("hyper-parameters", "nn.utils.clip_grad_norm_(nn.Linear(2, 2).parameters(), 'a')")
case("hyper-parameters", "nn.init.kaiming_uniform_(engine.randn(3, 3), mode='foo')")
case("hyper-parameters", "nn.init.normal_(engine.randn(3), std=-1)")

# ---------------------------------------------------------------- dtypes
case("dtypes", """
a = np.arange(4, dtype=">f8") / 3
t = engine.tensor(a)
assert t.dtype == engine.float64 and np.array_equal(t.data, a.astype("<f8"))
""", "ok")
case("dtypes", """
a = np.arange(6, dtype=">f4").reshape(2, 3)
t = engine.Tensor(a)
assert t.dtype == engine.float32 and np.array_equal((t * 2).data, a * 2)
""", "ok")
case("dtypes", "engine.tensor([2**40], dtype=engine.int32)")
case("dtypes", "engine.tensor([float('nan')]).long()")
case("dtypes", "engine.tensor([1, 2, 3]) // 0")
case("dtypes", "engine.tensor([1 + 2j])")

# ---------------------------------------------------------------- shapes and arguments
for code in ("engine.randn(3, 4).reshape(-2, -6)", "engine.randn(3, 4).view(2.5, 4)",
             "engine.randn(3, 4).sum(dim='a')", "engine.randn(3, 4).transpose(0, 7)",
             "engine.randn(3, 4).flatten(5)", "engine.randn(3, 4).squeeze(9)",
             "engine.randn(3, 4).chunk(0)", "engine.randn(3, 4).split(0)",
             "engine.randn(3, 4).permute(0, 0)", "engine.cat(engine.randn(3, 4))",
             "engine.zeros_like('a')", "engine.arange(0, float('inf'))",
             "engine.randn(3).normal_(0, -1)", "engine.randn(3).uniform_(1, 0)",
             "setattr(engine.randn(3), 'requires_grad', 'yes')",
             "nn.Linear(2, 2).train('yes')", "setattr(nn.Linear(2, 2), 'weight', 'a')",
             "nn.Embedding(5, 3)(engine.tensor([7]))", "F.one_hot(engine.tensor([-1]))",
             "engine.randn(3, 4).topk(9)", "engine.randn(3, 4).gather(1, engine.tensor([[9]]))"):
    case("shapes and arguments", code)

# ---------------------------------------------------------------- functions and layers
for code in ("F.softmax(engine.randn(3, 4), dim=9)", "F.log_softmax(engine.randn(3, 4), dim='a')",
             "F.cross_entropy(engine.randn(4, 3), engine.tensor([0, 1, 2, 5]))",
             "F.cross_entropy(engine.randn(4, 3), engine.tensor([0, 1, 2, -1]))",
             "F.cross_entropy(engine.randn(4, 3), engine.randn(4))",
             "F.cross_entropy(engine.randn(4, 3), engine.tensor([0, 1]))",
             "F.cross_entropy(engine.randn(4, 3), engine.tensor([0, 1, 2, 0]), reduction='avg')",
             "F.nll_loss(engine.randn(4, 3), engine.tensor([0, 1, 2, 3]))",
             "F.mse_loss(engine.randn(4, 3), engine.randn(3, 4))",
             "F.binary_cross_entropy(engine.rand(4), engine.rand(5))",
             "F.binary_cross_entropy_with_logits(engine.randn(4), engine.rand(4), "
             "pos_weight=engine.ones(3))",
             "F.linear(engine.randn(3, 4), engine.randn(5, 3))",
             "F.linear(engine.randn(3, 4), engine.randn(5, 4), engine.randn(3))",
             "F.conv2d(engine.randn(1, 4, 5, 5), engine.randn(4, 2, 3, 3), groups=3)",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3, dtype=engine.float64))",
             "F.conv2d(engine.randn(3, 8, 8), engine.randn(4, 3, 3, 3))",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), padding='foo')",
             "F.conv2d(engine.randn(1, 1, 5, 5), engine.randn(1, 1, 3, 3), stride=float('nan'))",
             "F.max_pool2d(engine.randn(1, 1, 2, 2), 5)",
             "F.max_pool2d(engine.randn(1, 1, 8, 8), 2, padding=3)",
             "F.avg_pool2d(engine.randn(1, 1, 4, 4), 2, padding=-1)",
             "F.adaptive_avg_pool2d(engine.randn(1, 1, 4, 4), 0)",
             "F.batch_norm(engine.randn(4, 3), engine.zeros(2), engine.ones(2))",
             "F.dropout(engine.randn(3), 1.5)",
             "F.relu(engine.tensor([1, 2]))",
             "nn.BatchNorm2d(3)(engine.randn(2, 4, 5, 5))",
             "nn.BatchNorm1d(3)(engine.randn(1, 3))",
             "nn.LSTM(3, 4)(engine.randn(5, 2, 7))",
             "nn.Conv2d(3, 4, 3)(engine.randn(1, 2, 8, 8))",
             "nn.Sequential(nn.ReLU(), 3)", "nn.ModuleList().append(3)",
             "nn.Linear(2, 2)(engine.randn(3, 3))",
             "nn.Linear(2, 2).load_state_dict('a')",
             "nn.Linear(2, 2).to('tpu')", "engine.randn(2).to('float128')",
             "engine.set_backend('foo')", "engine.device('cuda:-1')",
             "engine.manual_seed(-1)", "engine.manual_seed('a')",
             "engine.randn(3, requires_grad=True).mul(2).backward()",
             "engine.randn(3).sum().backward()",
             "engine.tensor([1, 2], requires_grad=True)",
             "(engine.randn(3, requires_grad=True) * 2).backward(engine.randn(4))"):
    case("functions and layers", code)
for code in ("from engine.utils.data import TensorDataset\n"
             "TensorDataset(engine.randn(4, 2), engine.randn(3))",
             "from engine.utils.data import random_split, TensorDataset\n"
             "random_split(TensorDataset(engine.randn(4, 2)), [3, 3])",
             "from engine.utils.data import random_split, TensorDataset\n"
             "random_split(TensorDataset(engine.randn(4, 2)), [-1, 5])",
             "from engine.data.transforms import RandomCrop\nRandomCrop(0)",
             "from engine.vision.transforms import Normalize\nNormalize([0.5], [0.0])",
             "from engine.vision.utils import make_grid\nmake_grid(engine.rand(4, 1, 8, 8), nrow=0)"):
    case("functions and layers", code)
case("functions and layers", """
a, b = nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False)
b.weight = a.weight
model = nn.Sequential(a, b)
opt = optim.SGD(model.parameters(), lr=0.1)        # tied weights: listed once, no duplicate
assert len(list(model.parameters())) == 1
""", "ok")

# ---------------------------------------------------------------- files
case("files", "engine.load(tmp + '/missing.pt')")
case("files", "engine.load(tmp)")
case("files", "open(tmp + '/empty.pt', 'wb').close(); engine.load(tmp + '/empty.pt')")
case("files", "np.save(tmp + '/plain.npy', np.ones(3)); engine.load(tmp + '/plain.npy')")
case("files", """
import zipfile
with zipfile.ZipFile(tmp + '/z.pt', 'w') as z:
    z.writestr('something.txt', 'hello')
engine.load(tmp + '/z.pt')
""")
case("files", """
engine.save({'w': engine.randn(100)}, tmp + '/t.pt')
data = open(tmp + '/t.pt', 'rb').read()
open(tmp + '/t.pt', 'wb').write(data[:len(data) // 2])
engine.load(tmp + '/t.pt')
""")
case("files", """
engine.save({'w': engine.randn(100)}, tmp + '/t.pt')
data = bytearray(open(tmp + '/t.pt', 'rb').read())
for i in range(40, len(data), 37):
    data[i] ^= 0xFF
open(tmp + '/t.pt', 'wb').write(bytes(data))
engine.load(tmp + '/t.pt')
""")
case("files", """
m = nn.Linear(2, 2)
before = m.weight.data.copy()
try:
    m.load_state_dict({'weight': np.ones((2, 2), np.float32), 'bias': np.ones(3, np.float32)})
except (ValueError, TypeError, RuntimeError, KeyError):
    pass
else:
    raise AssertionError("a wrong bias shape was accepted")
assert np.array_equal(m.weight.data, before), "load_state_dict assigned part of a bad state"
""", "ok")
case("files", """
m = nn.Linear(2, 2)
m.load_state_dict({'weight': np.ones((2, 2), np.complex64), 'bias': np.ones(2, np.float32)})
""")
case("files", """
m = nn.Linear(2, 2)
m.load_state_dict({'weight': engine.randn(3, 3), 'bias': engine.randn(2)})
""")
case("files", "optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1).load_state_dict({'x': 1})")
case("files", """
import gzip, struct
header = struct.pack('>BBBB', 0, 0, 8, 3) + struct.pack('>III', 60000, 28, 28)
with gzip.open(tmp + '/bomb-idx3-ubyte.gz', 'wb') as f:
    f.write(header + bytes(1000))
engine.data.idx.read_idx(tmp + '/bomb-idx3-ubyte.gz')
""")
case("files", """
import gzip, struct
header = struct.pack('>BBBB', 0, 0, 8, 3) + struct.pack('>III', 100000, 100000, 1000)
with gzip.open(tmp + '/huge-idx3-ubyte.gz', 'wb') as f:
    f.write(header + bytes(10**6))
engine.data.idx.read_idx(tmp + '/huge-idx3-ubyte.gz')
""")
case("files", "open(tmp + '/bad.idx', 'wb').write(b'\\x01\\x02\\x03\\x04' * 4); "
              "engine.data.idx.read_idx(tmp + '/bad.idx')")
for text in ("a,b,y\\n1,2,0\\n3,inf,1\\n", "a,b,y\\n", "a,b,y\\n1,2,0\\n3,4\\n",
             "a,b,y\\n1,x,0\\n", "a,b,y\\n1,1e999,0\\n"):
    case("files", f"open(tmp + '/t.csv', 'w').write('{text}'); "
                  "engine.data.tabular.load_csv(tmp + '/t.csv', target='y')")
case("files", "open(tmp + '/t.json', 'w').write('[{\"a\": 1, \"y\": 0}, {\"b\": 2, \"y\": 1}]'); "
              "engine.data.tabular.load_json(tmp + '/t.json', target='y')")
case("files", "open(tmp + '/t.csv', 'w').write('a,b,y\\n1,nan,0\\n2,3,1\\n'); "
              "d = engine.data.tabular.load_csv(tmp + '/t.csv', target='y'); "
              "assert np.isnan(d.x[0, 1]) and d.x[1, 1] == 3    # 'nan' marks a missing value",
     "ok")
case("files", "open(tmp + '/t.json', 'w').write('[]'); "
              "engine.data.tabular.load_json(tmp + '/t.json', target='y')")

# ---------------------------------------------------------------- metrics and training
from_metrics = "from engine import metrics\n"
for code in ("metrics.accuracy_score([0, 1, 1], [0, float('nan'), 1])",
             "metrics.accuracy_score([0, 1, 1], [0.2, 0.7, 0.9])",
             "metrics.accuracy_score(['a', 'b'], [0, 1])",
             "metrics.accuracy_score([0, 1], [0, 1, 1])",
             "metrics.f1_score([0, 1, 1], [0.1, 0.8, 0.6])",
             "metrics.confusion_matrix([0, 1], [0.5, 1.5])",
             "metrics.roc_auc_score([0, 1, 1], [0.1, float('nan'), 0.3])",
             "metrics.roc_auc_score([0, 1, float('nan')], [0.1, 0.2, 0.3])",
             "metrics.precision_score([], [])",
             "metrics.top_k_accuracy_score([0, 1], [[0.5, float('nan')], [0.2, 0.8]], k=1)",
             "metrics.average_precision_score([0, 1, 1], [0.2, 0.7, float('inf')])"):
    case("metrics and training", from_metrics + code)
case("metrics and training", """
m = nn.Linear(2, 2)
engine.train.fit(m, F.cross_entropy, optim.SGD(m.parameters(), lr=0.1),
                 (np.zeros((0, 2), np.float32), np.zeros(0, np.int64)), epochs=1, verbose=0)
""")


def describe(error):
    """'raised-clear <Type>' for the clear errors, 'raised <Type>' for any other."""
    return f"raised{'-clear' if isinstance(error, CLEAR) else ''} {type(error).__name__}"


def run_one(code, tmp):
    """Run one case in its own process: 'ok', 'raised <Type>', or 'crashed <signal/code>'."""
    here = os.path.dirname(os.path.abspath(__file__))
    script = (PRELUDE + f"import sys; sys.path.insert(0, {here!r})\n"
              "from hostile_inputs import describe\n" + f"tmp = {tmp!r}\n" + "try:\n" +
              "".join(f"    {line}\n" for line in code.splitlines()) +
              "except BaseException as e:\n    print('RESULT', describe(e))\n"
              "else:\n    print('RESULT ok')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        return f"crashed rc={proc.returncode}", proc.stderr[-400:]
    return lines[-1][len("RESULT "):], ""


def verdict(expect, result):
    if result.startswith("crashed"):
        return False
    if expect == "ok":
        return result == "ok"
    return result.startswith("raised-clear")


if __name__ == "__main__":       # one process per case: the count the closing note gives
    failures, by_kind = 0, {}
    for kind, code, expect in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            result, err = run_one(code, tmp)
        good = verdict(expect, result)
        by_kind.setdefault(kind, [0, 0])[0 if good else 1] += 1
        if not good:
            failures += 1
            print(f"FAIL [{kind}] expected {expect}, got {result}:\n{code}\n{err}\n")
    for kind, (good, bad) in by_kind.items():
        print(f"{kind:22s} {good + bad:4d} cases, {bad} failing")
    print(f"{len(CASES)} cases, {failures} failing")
    sys.exit(1 if failures else 0)
