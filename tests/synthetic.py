"""Random procedures that are valid by construction, for property tests and benchmarks.

A procedure is the applicant's submission, a sequence of fragments, and the
result handed back. A fragment is a run of tasks, a chain of approvals, a
check done twice, an exclusive choice, a parallel block, or a rework loop.
Each fragment has one way in and its loose flows all go to the next
fragment's first step, so every step is reachable, every step can finish,
every `parallel` closes at its `join`, and every `decide` has probabilities
summing to 1.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, TypeAlias

from models.procedure import (
    Act,
    Actor,
    ActorKind,
    Channel,
    Document,
    Fees,
    Flow,
    Level,
    Presence,
    Procedure,
    Step,
    StepKind,
)

__all__ = ["SYNTHETIC_SOURCES", "random_catalogue", "random_procedure"]

SYNTHETIC_SOURCES = ("population_db", "civil_status_db", "business_db", "land_db", "tax_db")
"""Data sources the dossier documents name in `held_by`: three connected, two not."""

_DOSSIER = (
    ("form", "Tờ khai theo mẫu", None),
    ("application", "Đơn đề nghị", None),
    ("id_card", "Bản sao Căn cước công dân", "population_db"),
    ("residence", "Giấy xác nhận thông tin về cư trú", "population_db"),
    ("birth_cert", "Bản sao Giấy khai sinh", "civil_status_db"),
    ("marriage_cert", "Bản sao Giấy chứng nhận kết hôn", "civil_status_db"),
    ("business_reg", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "business_db"),
    ("land_cert", "Bản sao Giấy chứng nhận quyền sử dụng đất", "land_db"),
    ("cadastral_map", "Trích lục bản đồ địa chính thửa đất", "land_db"),
    ("tax_receipt", "Chứng từ hoàn thành nghĩa vụ thuế", "tax_db"),
    ("drawing", "Bản vẽ thiết kế", None),
    ("photo", "Ảnh chân dung 4x6", None),
    ("authorisation", "Văn bản ủy quyền", None),
    ("lease", "Hợp đồng thuê nhà", None),
)
"""(id, name, held_by) of the documents a dossier draws from."""

_ACTORS = {
    "applicant": ("Người nộp hồ sơ", ActorKind.applicant),
    "desk": ("Bộ phận Một cửa", ActorKind.one_stop),
    "officer": ("Công chức chuyên môn", ActorKind.specialist),
    "officer2": ("Chuyên viên phòng chuyên môn", ActorKind.specialist),
    "leader": ("Chủ tịch Ủy ban nhân dân", ActorKind.leader),
    "deputy": ("Phó Chủ tịch Ủy ban nhân dân", ActorKind.leader),
    "agency": ("Cơ quan phối hợp", ActorKind.external_agency),
}

_MIDWAY_KINDS = {
    "applicant": (StepKind.pay, StepKind.pay, StepKind.submit),
    "desk": (StepKind.receive, StepKind.check, StepKind.transfer, StepKind.notify),
    "officer": (StepKind.check, StepKind.verify, StepKind.appraise, StepKind.transfer),
    "officer2": (StepKind.check, StepKind.verify, StepKind.appraise, StepKind.transfer),
    "leader": (StepKind.approve, StepKind.sign),
    "deputy": (StepKind.approve, StepKind.sign),
    "agency": (StepKind.verify, StepKind.appraise, StepKind.issue),
}
"""What each actor may do between the submission and the result."""

_STAGES = (
    (*4 * ["desk"], *3 * ["officer"], "officer2", "applicant"),
    (*4 * ["officer"], *3 * ["officer2"], *2 * ["agency"], "desk", "applicant"),
    (*2 * ["leader"], *2 * ["deputy"], *2 * ["officer"], *2 * ["desk"], *2 * ["applicant"]),
)
"""Who works next in the first, second and last third of a procedure (intake,
processing, decision), each actor repeated by its weight."""
_BRANCH_ACTORS = ("officer", "officer2", "agency")
_CHECKERS = (
    ("desk", StepKind.check),
    ("officer", StepKind.check),
    ("officer", StepKind.verify),
)

_NAMES = {
    StepKind.submit: ("Nộp bản sao giấy tờ để đối chiếu", "Nộp giấy tờ bổ sung"),
    StepKind.receive: ("Tiếp nhận hồ sơ, viết giấy biên nhận", "Tiếp nhận và số hóa hồ sơ"),
    StepKind.check: (
        "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ",
        "Kiểm tra nội dung hồ sơ",
        "Rà soát hồ sơ",
    ),
    StepKind.transfer: (
        "Chuyển hồ sơ cho phòng chuyên môn",
        "Chuyển hồ sơ trình lãnh đạo",
        "Chuyển kết quả về Bộ phận Một cửa",
        "Luân chuyển hồ sơ giấy",
    ),
    StepKind.appraise: (
        "Thẩm định hồ sơ",
        "Thẩm định thực địa",
        "Xem xét, đề xuất phương án giải quyết",
    ),
    StepKind.verify: (
        "Xác minh thông tin của người nộp hồ sơ",
        "Đối chiếu thông tin với cơ sở dữ liệu",
        "Xác minh tại nơi cư trú",
    ),
    StepKind.approve: ("Xem xét, phê duyệt", "Cho ý kiến về hồ sơ", "Duyệt tờ trình"),
    StepKind.sign: ("Ký quyết định", "Ký văn bản giải quyết", "Ký giấy chứng nhận"),
    StepKind.issue: ("Cấp văn bản xác nhận", "Ban hành văn bản trả lời"),
    StepKind.pay: ("Nộp phí, lệ phí", "Nộp lệ phí"),
    StepKind.return_: ("Trả kết quả giải quyết", "Trả kết quả"),
    StepKind.notify: ("Thông báo kết quả cho người nộp hồ sơ", "Gửi thông báo kết quả"),
}

_RESULT_KINDS = (StepKind.return_, StepKind.return_, StepKind.notify)
"""How the result reaches the applicant: returned twice as often as notified."""

_CHANNEL_PHRASES = {
    Channel.in_person: ("trực tiếp", "trực tiếp tại Bộ phận Một cửa", "tại trụ sở cơ quan"),
    Channel.online: ("trực tuyến",),
    Channel.post: ("qua bưu chính",),
}
"""What a step's name says about its channel, when it faces the applicant (a payment in
person is in cash)."""

_PHYSICAL_RESULTS = (
    ("card", "Thẻ (phôi in)"),
    ("certificate_blank", "Giấy chứng nhận in trên phôi"),
    ("seal", "Con dấu"),
)
"""Results that are objects: carried and handed over, never sent online."""
_PRESENCE = Presence(why="thu nhận vân tay, chụp ảnh", legal_basis="Điều 10 Nghị định mẫu")

_QUESTIONS = {
    2: (
        ("Hồ sơ cần xác minh thêm?", ("cần", "không cần")),
        ("Đủ điều kiện giải quyết?", ("đủ", "không đủ")),
        ("Có tranh chấp, khiếu nại?", ("không", "có")),
    ),
    3: (
        ("Hình thức giải quyết?", ("thông thường", "rút gọn", "lấy ý kiến")),
        ("Người nộp hồ sơ là ai?", ("cá nhân", "hộ gia đình", "tổ chức")),
    ),
}
"""The question a `decide` asks and the answers its branches carry, by number of branches."""


class _Output(NamedTuple):
    """What a step of some kind writes, and how often."""

    prefix: str
    chance: float
    names: tuple[str, ...]


_OUTPUTS = {
    StepKind.appraise: _Output("report", 0.6, ("Báo cáo thẩm định", "Tờ trình đề xuất")),
    StepKind.approve: _Output("decision", 0.3, ("Phiếu duyệt", "Văn bản chấp thuận")),
    StepKind.sign: _Output("decision", 0.6, ("Quyết định", "Giấy chứng nhận")),
    StepKind.issue: _Output("certificate", 0.7, ("Văn bản xác nhận", "Văn bản trả lời")),
}
_READERS = frozenset(
    {StepKind.approve, StepKind.sign, StepKind.issue, StepKind.return_, StepKind.notify}
)
"""Kinds that read what earlier steps wrote."""
_INSPECTORS = frozenset({StepKind.check, StepKind.verify, StepKind.appraise})
"""Kinds that read the dossier."""

_HOURS = (0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1.5, 2, 2, 2, 3, 4, 4, 6, 8, 8, 12, 16)
_LEGAL_BASES = (
    "Điều 12 Nghị định 123/2015/NĐ-CP",
    "Khoản 2 Điều 16 Luật Hộ tịch 2014",
    "Điều 26 Luật Doanh nghiệp 2020",
    "Điều 70 Nghị định 43/2014/NĐ-CP",
    "Điều 9 Nghị định 61/2018/NĐ-CP",
)
_FIELDS = ("Hộ tịch", "Đất đai", "Đăng ký kinh doanh", "Xây dựng", "Lao động", "Cư trú")
_AGENCIES = {
    Level.commune: "Ủy ban nhân dân cấp xã",
    Level.province: "Ủy ban nhân dân cấp tỉnh",
}


class _Exit(NamedTuple):
    """A flow still waiting for its target, the first step of what comes next."""

    source: str
    when: str | None = None
    probability: float | None = None


_Exits: TypeAlias = list[_Exit]
_Made: TypeAlias = tuple[str, ...]
"""Documents written by steps that dominate the current point, so readable from it."""


class _Option(NamedTuple):
    """A kind of fragment and how many work steps it may hold."""

    build: Callable[[_Builder, int, _Exits, _Made], tuple[_Exits, _Made]]
    fewest: int
    most: int


def random_procedure(rng: random.Random, steps: int, *, code: str | None = None) -> Procedure:
    """Return a valid procedure with exactly `steps` work steps (gateways come on top)."""
    if steps < 2:
        raise ValueError("a procedure needs at least two work steps: submission and result")
    online = rng.random() < 0.85
    documents = _dossier(rng)
    build = _Builder(rng, steps, documents, online)
    first = build.work(
        [], (), "applicant", StepKind.submit, name="Nộp hồ sơ", documents=[*documents]
    )
    exits, made = build.sequence(steps - 2, [_Exit(first.id)], (), _MAIN_FRAGMENTS)
    build.work(exits, made, "desk", rng.choice(_RESULT_KINDS), carries=build.physical)
    level = rng.choice((Level.commune, Level.province))
    field = rng.choice(_FIELDS)
    code = code or f"SYN.{rng.randrange(1_000_000):06d}"
    fee = rng.choice((0, 8_000, 15_000, 30_000, 50_000, 100_000))
    used = {step.actor for step in build.steps}
    return Procedure(
        code=code,
        name=f"Thủ tục tổng hợp {code}, lĩnh vực {field}",
        level=level,
        field=field,
        agency=_AGENCIES[level],
        statutory_days=rng.choice((1, 3, 5, 7, 10, 15, 20, 30)),
        annual_volume=rng.randrange(10, 20_000),
        fees_vnd=Fees(in_person=fee, online=rng.choice((fee, fee // 2, 0))),
        legal_basis=rng.sample(_LEGAL_BASES, rng.randint(1, 2)),
        online_allowed=online,
        actors={
            key: Actor(name=name, kind=kind) for key, (name, kind) in _ACTORS.items() if key in used
        },
        documents=build.documents,
        steps=build.steps,
        flows=build.flows,
    )


def random_catalogue(
    count: int, seed: int = 0, min_steps: int = 8, max_steps: int = 40
) -> Iterator[Procedure]:
    """Yield `count` random procedures coded SYN.000001, SYN.000002, …; the same for a seed."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield random_procedure(rng, rng.randint(min_steps, max_steps), code=f"SYN.{number:06d}")


def _dossier(rng: random.Random) -> dict[str, Document]:
    """Two to eight dossier documents, in a fixed order, some held by a data source."""
    chosen = set(rng.sample(range(len(_DOSSIER)), rng.randint(2, 8)))
    return {
        doc_id: Document(name=name, copies=rng.randint(1, 2), held_by=held_by)
        for index, (doc_id, name, held_by) in enumerate(_DOSSIER)
        if index in chosen
    }


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` cut at random into `parts` positive whole numbers."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [high - low for low, high in zip([0, *cuts], [*cuts, total], strict=True)]


def _probabilities(rng: random.Random, ways: int) -> list[float]:
    """Branch probabilities in twentieths, largest first, summing to 1.

    About one choice in ten has a last branch of probability 0 (it never runs).
    """
    if rng.random() < 0.1:
        return [*_probabilities_without_zero(rng, ways - 1), 0.0]
    return _probabilities_without_zero(rng, ways)


def _probabilities_without_zero(rng: random.Random, ways: int) -> list[float]:
    return sorted((part / 20 for part in _split(rng, 20, ways)), reverse=True)


def _named(name: str, channel: Channel, kind: StepKind, rng: random.Random) -> str:
    """The step's name, saying how it reaches the applicant if it does."""
    phrases = _CHANNEL_PHRASES.get(channel)
    if not phrases:
        return name
    if kind is StepKind.pay and channel is Channel.in_person:
        return f"{name} bằng tiền mặt tại quầy"
    return f"{name} {rng.choice(phrases)}"


class _Builder:
    """Accumulates the steps, flows and written documents of one procedure."""

    def __init__(
        self, rng: random.Random, planned: int, dossier: dict[str, Document], online: bool
    ) -> None:
        self.rng = rng
        self.planned = planned
        self.online = online
        self.documents = dict(dossier)
        self.dossier = list(dossier)
        self.held = [doc_id for doc_id, doc in dossier.items() if doc.held_by]
        self.steps: list[Step] = []
        self.flows: list[Flow] = []
        self.last_actor = "applicant"
        self.physical: list[str] = []
        """The result, when it is an object (a card, a seal): transfers may carry it."""
        if rng.random() < 0.3:
            doc_id, name = rng.choice(_PHYSICAL_RESULTS)
            self.documents[doc_id] = Document(name=name, physical=True)
            self.physical = [doc_id]

    # Steps

    def work(
        self,
        exits: _Exits,
        made: _Made,
        actor: str,
        kind: StepKind,
        *,
        name: str | None = None,
        documents: list[str] | None = None,
        uses: list[str] | None = None,
        carries: list[str] | None = None,
    ) -> Step:
        """Add a work step after `exits`; whatever is not given is drawn at random.

        An applicant's in-person step may require presence; a transfer may carry the
        physical result or be a legal act (a request, a submission)."""
        rng = self.rng
        step_id = self._new_id(kind)
        channel = self._channel(actor, kind)
        if documents is None:
            documents = self._resubmitted() if kind is StepKind.submit else []
        mandatory = rng.random() < 0.12
        presence = (
            _PRESENCE
            if actor == "applicant" and channel is Channel.in_person and rng.random() < 0.15
            else None
        )
        act = None
        if carries and channel is Channel.online:
            channel = Channel.post  # an object is posted, never sent online
        if kind is StepKind.transfer:
            if carries is None and self.physical and rng.random() < 0.3:
                carries = self.physical
            elif rng.random() < 0.2:
                act = rng.choice((Act.request, Act.submission))
        step = Step(
            id=step_id,
            name=_named(name or rng.choice(_NAMES[kind]), channel, kind, rng),
            actor=actor,
            kind=kind,
            channel=channel,
            hours=rng.choice(_HOURS),
            documents=documents,
            uses=self._used(kind, made) if uses is None else uses,
            produces=self._produced(kind, len(self.steps) + 1),
            mandatory=mandatory,
            legal_basis=rng.choice(_LEGAL_BASES) if mandatory else None,
            carries=carries or None,
            presence=presence,
            act=act,
        )
        self._add(exits, step)
        self.last_actor = actor
        return step

    def gateway(self, exits: _Exits, kind: StepKind, name: str) -> str:
        """Add a `decide`, `parallel` or `join` after `exits`, owned by the last actor."""
        actor = "desk" if self.last_actor == "applicant" else self.last_actor
        step = Step(id=self._new_id(kind), name=name, actor=actor, kind=kind)
        self._add(exits, step)
        return step.id

    def _new_id(self, kind: StepKind) -> str:
        return f"{kind.value}_{len(self.steps) + 1}"

    def _add(self, exits: _Exits, step: Step) -> None:
        self.steps.append(step)
        self.flows += (
            Flow(source=e.source, target=step.id, when=e.when, probability=e.probability)
            for e in exits
        )

    def _channel(self, actor: str, kind: StepKind) -> Channel:
        """In person or online for the applicant's steps and the result; otherwise internal."""
        if actor == "applicant" or kind is StepKind.return_:
            return Channel.online if self._online() else Channel.in_person
        if kind is StepKind.notify:
            return Channel.online if self._online() else Channel.post
        return Channel.internal

    def _online(self) -> bool:
        return self.online and self.rng.random() < 0.3

    def _resubmitted(self) -> list[str]:
        """One or two dossier documents the applicant hands in again."""
        return self.rng.sample(self.dossier, min(len(self.dossier), self.rng.randint(1, 2)))

    def _inspected(self) -> list[str]:
        """One to three dossier documents to check, most often ones a data source holds."""
        pool = self.held if self.held and self.rng.random() < 0.75 else self.dossier
        return self.rng.sample(pool, min(len(pool), self.rng.randint(1, 3)))

    def _used(self, kind: StepKind, made: _Made) -> list[str]:
        """Dossier documents to inspect, or some of what earlier steps wrote."""
        if kind in _INSPECTORS:
            return self._inspected()
        if kind in _READERS and made and self.rng.random() < 0.8:
            return self.rng.sample(made, min(len(made), 2))
        return []

    def _produced(self, kind: StepKind, number: int) -> list[str]:
        """The report or decision step `number` writes, if any, added to the documents."""
        output = _OUTPUTS.get(kind)
        if output is None or self.rng.random() >= output.chance:
            return []
        doc_id = f"{output.prefix}_{number}"
        self.documents[doc_id] = Document(name=self.rng.choice(output.names))
        return [doc_id]

    def _next_actor(self) -> str:
        """The last actor again about a third of the time, else someone fit for the stage."""
        if self.last_actor != "applicant" and self.rng.random() < 0.35:
            return self.last_actor
        stage = min(len(_STAGES) - 1, len(_STAGES) * len(self.steps) // self.planned)
        return self.rng.choice(_STAGES[stage])

    # Fragments: each adds exactly `size` work steps and returns its exits and
    # what is readable after it.

    def sequence(
        self, size: int, exits: _Exits, made: _Made, menu: Sequence[_Option]
    ) -> tuple[_Exits, _Made]:
        """Fragments drawn from `menu`, one after another."""
        while size > 0:
            option = self.rng.choice(menu)
            if option.fewest <= size:
                fragment_size = self.rng.randint(option.fewest, min(option.most, size))
                exits, made = option.build(self, fragment_size, exits, made)
                size -= fragment_size
        return exits, made

    def tasks(self, size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """Work steps in a row, each by a plausible next actor."""
        for _ in range(size):
            actor = self._next_actor()
            step = self.work(exits, made, actor, self.rng.choice(_MIDWAY_KINDS[actor]))
            exits, made = [_Exit(step.id)], made + tuple(step.produces)
        return exits, made

    def approvals(self, size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """Leaders approving in turn, the last one signing."""
        leaders = self.rng.sample(("leader", "deputy"), 2)
        for turn in range(size):
            kind = StepKind.sign if turn == size - 1 else StepKind.approve
            step = self.work(exits, made, leaders[turn % 2], kind)
            exits, made = [_Exit(step.id)], made + tuple(step.produces)
        return exits, made

    def double_check(self, _size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """The desk checks some documents, then an officer checks the same ones again."""
        documents = self._inspected()
        desk = self.work(exits, made, "desk", StepKind.check, uses=documents)
        officer = self.work([_Exit(desk.id)], made, "officer", StepKind.check, uses=documents)
        return [_Exit(officer.id)], made

    def choice(self, size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """A `decide` whose two or three branches of tasks meet again at what follows.

        At most one branch is empty, so no two flows join the same pair of steps.
        """
        rng = self.rng
        ways = 3 if size >= 2 and rng.random() < 0.25 else 2
        if size < ways or rng.random() < 0.3:
            sizes = [*_split(rng, size, ways - 1), 0]
        else:
            sizes = _split(rng, size, ways)
        rng.shuffle(sizes)
        question, answers = rng.choice(_QUESTIONS[ways])
        decide = self.gateway(exits, StepKind.decide, question)
        out: _Exits = []
        branches = zip(sizes, answers, _probabilities(rng, ways), strict=True)
        for branch_size, answer, probability in branches:
            entry = [_Exit(decide, answer, probability)]
            out += self.tasks(branch_size, entry, made)[0]
        return out, made

    def parallel(self, size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """A `parallel` split into two or three branches of work that meet at a `join`."""
        rng = self.rng
        ways = 3 if size >= 3 and rng.random() < 0.3 else 2
        split = self.gateway(exits, StepKind.parallel, "Lấy ý kiến các cơ quan liên quan")
        arrivals: _Exits = []
        for branch_size in _split(rng, size, ways):
            self.last_actor = rng.choice(_BRANCH_ACTORS)
            branch = self.sequence(branch_size - 1, [_Exit(split)], made, _BRANCH_FRAGMENTS)
            arrivals += self.tasks(1, *branch)[0]
        join = self.gateway(arrivals, StepKind.join_, "Tổng hợp ý kiến")
        return [_Exit(join)], made

    def rework(self, _size: int, exits: _Exits, made: _Made) -> tuple[_Exits, _Made]:
        """A check that sends an incomplete dossier back to the applicant, then checks again."""
        checker, kind = self.rng.choice(_CHECKERS)
        check = self.work(exits, made, checker, kind)
        decide = self.gateway([_Exit(check.id)], StepKind.decide, "Hồ sơ đầy đủ, hợp lệ?")
        back = self.rng.randint(1, 10)
        supplement = self.work(
            [_Exit(decide, "thiếu", back / 20)],
            made,
            "applicant",
            StepKind.submit,
            name="Bổ sung, hoàn thiện hồ sơ",
        )
        self.flows.append(Flow(source=supplement.id, target=check.id))
        self.last_actor = checker
        return [_Exit(decide, "đủ", (20 - back) / 20)], made


_MAIN_FRAGMENTS = (
    *5 * [_Option(_Builder.tasks, 1, 3)],
    _Option(_Builder.approvals, 2, 3),
    _Option(_Builder.double_check, 2, 2),
    *2 * [_Option(_Builder.choice, 1, 6)],
    _Option(_Builder.parallel, 2, 9),
    _Option(_Builder.rework, 2, 2),
)
"""The fragments of the main sequence, each repeated by its weight."""
_BRANCH_FRAGMENTS = (*4 * [_Option(_Builder.tasks, 1, 3)], _Option(_Builder.choice, 1, 4))
"""The fragments of a parallel branch, which then closes on a task (one flow to the join)."""
