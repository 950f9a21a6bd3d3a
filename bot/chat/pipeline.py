"""One turn as a pipeline: understand -> profile -> retrieve -> decide -> render/generate -> record.

Each stage is a function of the one before it; this module only runs them in order, streams
what they produce and records the outcome, whatever happens, before `Done`.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.chat import render, replies
from bot.chat.aspects import shortest_first
from bot.chat.events import Done, Event, Handover, Products, Token
from bot.chat.language import foreign, read_abroad
from bot.chat.phrase import (
    OPENINGS,
    VOICE_SLOTS,
    lead_messages,
    lead_requests,
    slot_messages,
    stream_lead,
)
from bot.chat.policy import PRODUCT_INTENTS, Decision, Found, decide
from bot.chat.profile import ShopperProfile, parse_budget, update_profile, without_budget
from bot.chat.redact import redact
from bot.chat.retrieve import (
    aimed_at,
    asked_later,
    denied_purpose,
    filters_of,
    named_in,
    over_limit,
    request_core,
    retrieve,
)
from bot.chat.store_policy import StorePolicy
from bot.chat.understand import (
    ACCEPT,
    COMPARISON,
    IT,
    POINTED,
    PRICE_OR_STOCK,
    IntentClassifier,
    Understanding,
    about_one,
    after_reaction,
    cared_for,
    elsewhere,
    errand,
    gate,
    load_learned,
    only_options,
    refine,
    serving,
)
from bot.config import Settings
from bot.engine.adapters import AdapterRouter
from bot.engine.client import EngineClient, EngineLink, Usage
from bot.errors import BadRequest, LogUnavailable, SalesbotError, is_unicode, not_text
from bot.grounding import GroundingGuard
from bot.insight.sentiment import COMPLAINT, sentiment
from bot.log.registry import Serving
from bot.log.store import WAITING, WITH_AGENT, DialogueLog, TurnOutcome
from bot.metrics import METRICS
from retrieval.ages import made_for, product_ages
from retrieval.batching import Batcher
from retrieval.catalog import Product
from retrieval.coverage import asked_kinds, goods_alone
from retrieval.hybrid import CatalogView, HybridSearch, MultilingualSearch, one_turn
from retrieval.index import CatalogIndex, SearchHit
from retrieval.text import keywords
from retrieval.wants import without_denied

MAX_VOICE_TOKENS = 64  # a greeting or a thank-you is one or two short sentences
STOPPED = "stopped"  # the cancel message of an answer the shopper stopped
TAKEN_OVER = "taken_over"  # ... and of one a person from the shop took over
SEEN = 12  # products an answer can point back to: those shown by the last few answers

log = logging.getLogger(__name__)
INTENTS_EVERY = 5.0  # seconds between looks at which intent classifier should serve


@dataclass(frozen=True)
class Voice:
    text: str | None  # None: not usable, the fixed reply stands
    violations: list[dict[str, str]]


@dataclass
class Plan:
    """What the stages decided for one turn: everything but the lead-in's words."""

    intent: str
    decision: Decision
    profile: ShopperProfile
    text: str
    lead: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    violations: list[dict[str, str]] = field(default_factory=list)  # the tripwire's, if any


def _drop(task: "asyncio.Future[Any]") -> None:
    """Stop a task whose result is no longer wanted, and take its error if it already failed
    (else asyncio logs it as never retrieved)."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


class ChatService:
    def __init__(
        self,
        engine: EngineClient,
        index: CatalogIndex,
        log: DialogueLog,
        *,
        settings: Settings,
        lead_bias: dict[str, int] | None = None,
        vocabulary: frozenset[str] | None = None,
        adapters: AdapterRouter | None = None,
    ):
        self.engine = engine
        self.adapters = adapters
        self.index = index
        self.log = log
        self.settings = settings
        self.search = HybridSearch(index, min_relevance=settings.min_relevance)
        # What the English embedding model cannot read: a message in another language.
        self.abroad = (
            MultilingualSearch(self.search, min_relevance=settings.multilingual_relevance)
            if index.multilingual is not None
            else None
        )
        self.embedder: Batcher[str, list[float]] = Batcher(index.embed_queries)
        self.day_one = self.classifier = IntentClassifier(index.embed_queries)
        self.intents_dir = settings.data_dir / "intents"
        self._intents_checked = -INTENTS_EVERY
        self._intents_failed: str | None = None
        self.policy = StorePolicy.load(settings.policy_file)
        self.lead_extra = lead_requests(lead_bias or {})
        self.vocabulary = vocabulary
        self.active = 0  # answers being written now, for the overload cap
        self._voices: dict[tuple[str, str], asyncio.Future[Voice]] = {}
        if adapters is not None:
            adapters.on_serving = self.warm_voices

    async def intent_classifier(self) -> IntentClassifier:
        """The intent classifier that serves: one learned from the shop's labelled messages
        once `salesbot finetune intents` found it better than day-one, else day-one. Which one
        is read from the intents folder at most every few seconds, and a change is loaded off
        the event loop; a version that cannot be loaded is logged once and the current stays."""
        now = time.monotonic()
        if now - self._intents_checked < INTENTS_EVERY:
            return self.classifier
        self._intents_checked = now
        version = await asyncio.to_thread(serving, self.intents_dir)
        if version == self.classifier.version or version == self._intents_failed:
            return self.classifier
        if version is None:
            self.classifier = self.day_one
            log.info("Intent classifier: day-one (the shipped examples).")
            return self.classifier
        try:
            self.classifier = await asyncio.to_thread(
                load_learned, self.intents_dir, version, self.index.embed_queries
            )
        except Exception as exc:  # whatever a damaged folder raises, shoppers must not see it
            self._intents_failed = version
            log.error("Intent classifier %s cannot be loaded (%s); the current one stays.",
                      version, exc)  # fmt: skip
        else:
            log.info("Intent classifier: %s, learned from labelled messages.", version)
        return self.classifier

    def validate(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise BadRequest("The message is empty. Type a question first.", code="empty_message")
        if not text.isascii() and not is_unicode(text):
            raise not_text("message", "invalid_text")
        if len(text) > self.settings.max_message_chars:
            raise BadRequest(
                f"The message has {len(text)} characters; the limit is "
                f"{self.settings.max_message_chars}. Please shorten it.",
                code="message_too_long",
            )
        return text

    def loggable(self, text: str) -> str:
        """A shopper's words as the log keeps them: personal data redacted unless the shop
        asked for raw text."""
        return text if self.settings.log_raw_text else redact(text)

    async def accept(
        self, session_id: str, channel: str, text: str, client_id: str | None = None
    ) -> int:
        """Validate and log a shopper's message; from here on it is never lost."""
        text = self.validate(text)
        if self.active >= self.settings.max_active_answers:
            raise SalesbotError(
                "The assistant is answering many shoppers right now. Please send your message "
                "again in a minute.",
                code="overloaded",
                status=503,
            )
        logged = self.loggable(text)
        try:
            return await self.log.open_turn(session_id, channel, logged, client_id)
        except SQLAlchemyError:
            log.exception("Could not log a message of session %s.", session_id)
            raise LogUnavailable(
                "Your message could not be saved just now, so it was not sent. "
                "Please send it again in a moment."
            ) from None

    async def plan(self, text: str, profile: ShopperProfile) -> Plan:
        """Every stage before generation: pure catalog and profile work, no engine call. All
        its stages read one snapshot of the catalog (in worker threads, which share it)."""
        with one_turn():
            return await self._plan(text, profile)

    async def _plan(self, text: str, profile: ShopperProfile) -> Plan:
        text = after_reaction(text)
        view, query, named = await asyncio.to_thread(self._read, text)
        ruled_out = False
        if named and (kept := without_denied(query)) != query:
            # "scale for pour over, not the mini": what is ruled out is named, not asked about.
            still = view.named(kept)
            ruled_out = not (named := [p for p in named if p in still])
        if len(named) == 1 and COMPARISON.search(text):
            # "which is lighter, the tempo or the parkrun lite": "the tempo" names the men's and
            # the women's; a comparison takes the best of each part.
            named = both if len(both := named_in(view, query)) > 1 else named
        vector = await self.embedder.submit(query)
        # The goods the message names, alone, for the topic gate (`IntentClassifier.classify`).
        goods = goods_alone(text)
        goods_vector = await self.embedder.submit(goods) if goods else None
        classifier = await self.intent_classifier()
        understanding = classifier.classify(text, vector, goods_vector)
        if profile.offered and ACCEPT.fullmatch(text):
            understanding = Understanding("human", 1.0)  # "yes" to the person just offered
        last = [view.products[i] for i in profile.shown if i in view.products]
        understanding = refine(understanding, text, named, discussed=bool(last), last=profile.asked)
        if ruled_out and understanding.intent in ("price_stock", "product_question"):
            understanding = replace(understanding, intent="browse")  # others than the one named
        if (
            understanding.intent in ("price_stock", "product_question") and named
            and not IT.search(text) and {p.id for p in named} <= aimed_at(view, text, named)
        ):  # fmt: skip
            # "how much is a replacement glass for the presso 1l?": the product named is what
            # the thing asked for goes with; that thing is asked for, as a request.
            understanding = replace(understanding, intent="browse")
        elif (
            understanding.intent in ("browse", "product_question") and last and not named
            and not any(parse_budget(text))
            and (
                (
                    understanding.intent == "browse"
                    and PRICE_OR_STOCK.search(text)
                    and not any(view.names(kind) for kind in asked_kinds(text))
                    and any(v.named_in(text) for v in last[0].variants)
                )
                or only_options(text, last)
            )
        ):  # fmt: skip
            # "ugh ok ill try a 43. how much" after the boots: the price of that size of them;
            # "size 8 pls", "yellow in a 8?" (browsing or a question about them): whether the
            # one shown is sold so.
            understanding = replace(understanding, intent="price_stock")
        profile = update_profile(
            profile,
            "" if understanding.injection else text,
            brands=view.brands,
            features=view.features,
            last_shown=[p.id for p in last],
            last_prices=[p.price for p in last],
            browsing=understanding.intent == "browse",
        )
        asked = profile  # before retrieval: what a second search starts from

        async def search(understood: Understanding) -> tuple[ShopperProfile, Found]:
            return await asyncio.to_thread(
                retrieve,
                self.search,
                query,
                vector,
                understood,
                asked,
                k=self.settings.top_k,
                named=named,
            )

        profile, found = await search(understanding)
        classified = understanding.intent
        business = elsewhere(text)
        other = business is not None and not (
            view.names([business]) or self.policy.mentions(business)
        )
        task = errand(text)
        away = task is not None and not (
            any(view.names_kind(word) for word in keywords(task)) or self.policy.mentions(task)
        )
        understanding = gate(
            understanding,
            relevant=found.relevant,
            named=bool(found.named or (found.pointed and POINTED.search(text))),
            carried=found.carried,
            other=other,
            errand=away,
            text=text,
            shown=bool(last),
        )
        # A message in another language than the catalog's: the shopper's ("barraca pra 2
        # pessoas"), or the shop's ("dotted notebooks" in a bookshop that writes Spanish).
        # (Or in the English shop's own words of that language: "garrafa térmica verde".)
        local = view.in_its_words(text) if not understanding.injection else []
        said_abroad = not understanding.injection and (
            foreign(text, lambda word: any(k in view.bm25.vocab_dict for k in keywords(word)))
            or bool(local)
        )
        other_language = said_abroad or not view.english
        abroad = (
            understanding.intent == "off_topic" and understanding.confidence < 1.0
            and not understanding.injection and other_language
        )  # fmt: skip
        if abroad:
            understanding = read_abroad(
                understanding, text, named=bool(found.named), shown=bool(last)
            )
        reread = understanding.intent == "browse" and classified not in PRODUCT_INTENTS
        if reread:
            # Shopping after all ("capo?", a word the shop's titles have): searched as that.
            profile, found = await search(understanding)
        # (Beside an English catalog, only a message most of whose words are foreign, the
        # catalog's own counted too: not "bodywarmer / gilet for layering?". Beside one in
        # another language, whatever the English search found: its words match the few English
        # texts of the catalog, not what the message means.)
        if (
            (not view.english or (said_abroad and foreign(text)))
            and self.abroad is not None and understanding.intent == "browse"
            and not found.named and (not found.matches or found.unknown or not view.english)
        ):  # fmt: skip
            # What the English model and the keywords found nothing for, or read in the wrong
            # language: the products near its meaning in any language, when there are.
            near_profile, near, by_core = await self._read_abroad(query, asked)
            # (Only its core near, and the words found that kind too, "ok any good thrillers
            # then": the words rank it, the novels whose text says "thriller" first.)
            same = by_core and bool(
                {p.category for p in near.matches} & {p.category for p in found.matches}
            )
            # (Nor where the English words name the kind by its taxonomy label, or by what its
            # text says, and the nearest in meaning is of another: "a book stand" is the "Book
            # Stands & Rests", not the book cover; "graphic novels in english?" the one whose
            # text says "graphic novel", not a romance.)
            keep = any(self._told(query, p) for p in found.matches[:1]) and not any(
                self._told(query, p) for p in near.matches[:1]
            )
            if (near.matches or (near.nearest and not found.matches)) and not (same or keep):
                profile, found = near_profile, near
            elif local and not near.matches and not near.nearest and not keep:
                # Near nothing in any language: those the shop names in the message's words
                # ("preciso de um facão": the "Facão Machete"), under the shopper's filters as
                # for a search of its own; the closest over the budget, as such.
                filters = replace(filters_of(near_profile), category=None)
                passing = [p for p in local if filters.passes(p)][: self.settings.top_k]
                within = [p for p in local if filters.without_price().passes(p)]
                profile = near_profile
                found = Found(
                    passing, nearest=[] if passing else within, relevant=True, carried=True
                )
        if abroad and reread and not (found.relevant or found.named):
            # Nothing near its words either: it cannot be read (said so, not "only shopping").
            understanding = replace(understanding, intent="off_topic")
        # The product the message is about among those just shown, if one.
        target = found.pointed or (last[0] if len(last) == 1 else None)
        understanding = about_one(
            understanding,
            text,
            named=bool(found.named),
            pointed=found.pointed is not None,
            alone=len(last) == 1,
            optioned=target is not None and any(v.named_in(text) for v in target.variants),
            shown=bool(last),
        )
        understanding = cared_for(understanding, text, about=bool(found.named or last))
        if understanding.intent not in PRODUCT_INTENTS:
            # What a message rules out is kept only when it turns out to be shopping.
            profile = profile.model_copy(update={"ruled_out": asked.ruled_out})
        section = self.policy.find(text) if understanding.intent == "support" else None
        decision = decide(
            understanding,
            profile,
            found,
            policy_topic=section.topic if section else None,
            text=text,
        )
        if abroad and said_abroad and decision.action == "off_topic":
            decision = replace(decision, reason="language")
        offered = decision.action == "offer" or decision.reason == "identity"
        changes: dict[str, object] = {"offered": offered, "asked": understanding.intent}
        if shown := decision.products or decision.over_budget:
            changes["shown"] = [p.id for p in shown]
            seen = dict.fromkeys([*(p.id for p in shown), *profile.shown, *profile.seen])
            changes["seen"] = list(seen)[:SEEN]
        plan = Plan(understanding.intent, decision, profile.model_copy(update=changes), "")
        self._render(plan, query, section, view.categories_by_size, view.currency)
        return plan

    def _told(self, query: str, product: Product) -> bool:
        """Whether the query names the product's kind by its taxonomy label or says it whole as
        its text does (`CatalogView.labelled_as`, `CatalogView.say_whole`)."""
        view = self.search.view
        return product.id in view.labelled_as(query) or bool(view.say_whole(query, [product.id]))

    async def _read_abroad(
        self, query: str, asked: ShopperProfile
    ) -> tuple[ShopperProfile, Found, bool]:
        """The products near a message in another language by its multilingual embedding, under
        the shopper's filters (budget, stock, ...): its words are no English, so the rules that
        read kinds and features from them do not apply; the closest over the budget, as such.
        Last, whether only its `request_core` was near."""
        assert self.abroad is not None
        search = self.abroad
        [vector] = await asyncio.to_thread(search.embed, [query])
        # Its own request: not within the category of the one before (its words cannot say).
        filters = replace(filters_of(asked), category=None)
        profile = asked.model_copy(update={"topic": query, "category": None})
        k = self.settings.top_k
        hits = await asyncio.to_thread(search.search, query, vector, filters, k)
        by_core = False
        later = asked_later(query)
        for request in ([later] if later else []) + [request_core(later or query)]:
            if hits or request == query:
                break
            # What it asks for, before why and how, when the whole spreads its meaning below
            # the floor ("ok then a light for reading in bed without waking my husband": the
            # reading lamp is 0.28 from it, 0.36 from "a light for reading in bed"; "gift for
            # a baby shower, a book for a 1 year old": what follows the occasion).
            [vector] = await asyncio.to_thread(search.embed, [request])
            hits = await asyncio.to_thread(search.search, request, vector, filters, k)
            by_core = bool(hits)
        if hits:
            if (age := filters.age_months) is not None:
                # Those whose text says they are for that age first: "libro para mi sobrina de
                # 12" is as near a novel that says nothing of ages as one "de 11 a 14 años".
                hits = sorted(
                    hits,
                    key=lambda h: product_ages(h.product) is None or not made_for(h.product, age),
                )
            # One kind asked, the nearest's: the model ranks by topic more than by kind ("a cozy
            # mystery" is 0.46 from a mystery and 0.43 from a science-fiction novel).
            kind = hits[0].product.category
            shown = [hit.product for hit in hits if hit.product.category == kind]
            # (Numbers are read in any language: "something not too long", the fewest pages.)
            shown = shortest_first(query, shown)
            return profile, Found(shown, relevant=True, carried=True), by_core
        if filters.min_price is None and filters.max_price is None:
            return asked, Found(), False
        over = await asyncio.to_thread(search.search, query, vector, filters.without_price(), k)
        return profile, Found(nearest=[hit.product for hit in over], relevant=bool(over)), False

    def _read(self, text: str) -> tuple[CatalogView, str, list[Product]]:
        """The catalog's snapshot; what is searched (the shopper's words, with typos of the
        catalog's words mended); the products it names. One trip to a worker thread."""
        view = self.search.view
        query = view.corrected(text)
        return view, query, view.named(query)

    def _render(
        self,
        plan: Plan,
        text: str,
        section: object,
        categories: Sequence[str],
        currency: str = "USD",
    ) -> None:
        d, store, profile = plan.decision, self.settings.store_name, plan.profile
        if d.action in ("recommend", "answer", "compare"):
            rendered = {
                # (A budget is no size: "$80" is not the 80 of a baby's size 80.)
                "recommend": lambda: render.recommend(
                    d.products,
                    profile,
                    [without_budget(t) for t in (text, profile.topic or "")],
                    denied=denied_purpose(self.search.view, d.products[0], text)
                    or over_limit(d.products[0], text),
                ),
                "answer": lambda: render.answer(
                    d.products[0],
                    text,
                    d.products[1:],
                    sized=without_budget(text),
                    chosen=without_budget(profile.topic or ""),
                ),  # fmt: skip
                "compare": lambda: render.compare(d.products, text),
            }[d.action]()
            plan.text, plan.lead = rendered.text, rendered.lead
        elif d.action == "nothing_fits":
            plan.text = render.nothing_fits(d, profile, categories, currency)
            plan.notes = {p.id: "over your budget" for p in d.over_budget}
        elif d.action == "not_found":  # with the closest products, if any, labelled as such
            plan.text = render.not_found(categories, d.products)
            plan.notes = {p.id: "closest match" for p in d.products}
        elif d.action == "policy":
            plan.text = replies.policy(section)  # type: ignore[arg-type]
        else:
            plan.text = {
                "greet": lambda: (
                    replies.identity(store) if d.reason == "identity" else replies.greet(store)
                ),
                "thank": replies.thank,
                "off_topic": lambda: (
                    replies.not_read(store) if d.reason == "language" else replies.off_topic(store)
                ),
                "handover": lambda: replies.handover(d.reason),
                "offer": replies.offer,
                "clarify": lambda: (
                    render.overview(categories)
                    if d.reason == "overview"
                    else render.clarify(d.products, categories)
                ),
            }[d.action]()

    async def answer(
        self,
        turn_id: int,
        text: str,
        *,
        profile: ShopperProfile | None = None,
        session_id: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AsyncGenerator[Event, None]:
        """Stream one answer and record it, whatever happens, before `Done`."""
        started = time.perf_counter()
        planning: asyncio.Future[Plan] | None = None
        outcome = TurnOutcome(status="error", model=self.settings.model)
        shown: list[str] = []
        usage = Usage()
        plan: Plan | None = None
        # The version that answers this turn, fixed at its start: a promotion or rollback
        # while it streams changes the next turn, not this one.
        serving = self.adapters.pick(session_id) if self.adapters is not None else None
        outcome.adapter = serving.name if serving else None
        # And the engine it runs on, picked in the same step (a blue-green switch changes both
        # at once) and held until the turn ends, so that engine is not stopped under it.
        link = self.engine.hold()

        def show(text: str) -> Token:
            if outcome.ttft_ms is None:
                outcome.ttft_ms = (time.perf_counter() - started) * 1000
            shown.append(text)
            return Token(text)

        self.active += 1
        try:
            text = self.validate(text)
            outcome.sentiment, outcome.sentiment_score = sentiment(text)
            # Planned while the session's state is read: a plan needs nothing from the log,
            # and is dropped in the rare session a person has (or is about to).
            planning = asyncio.ensure_future(self.plan(text, profile or ShopperProfile()))
            state = await self.log.session_state(session_id) if session_id else None
            if state == WAITING:
                outcome.status, outcome.action = "ok", WAITING
                yield show(replies.waiting())
            elif state == WITH_AGENT:
                outcome.status, outcome.action = "ok", WITH_AGENT  # a person answers it
            else:
                plan = await planning
                outcome.intent, outcome.action = plan.intent, plan.decision.action
                if plan.intent == COMPLAINT:
                    outcome.sentiment, outcome.sentiment_score = sentiment(text, plan.intent)
                outcome.profile = plan.profile.model_dump(mode="json")
                cards = plan.decision.products or plan.decision.over_budget
                if plan.decision.action != "clarify":  # its matches are too scattered to show
                    hits = [SearchHit(p, 1.0) for p in cards]
                    outcome.products = [{"id": p.id, "score": 1.0} for p in cards]
                    yield Products(hits, plan.notes)
                if plan.lead is not None:
                    outcome.lead_prompt = plan.lead
                    lead_in = self.generate(plan, usage, temperature, max_tokens, serving, link)
                    async with contextlib.aclosing(lead_in):
                        async for piece in lead_in:
                            yield show(piece)
                    outcome.lead_text = lead = "".join(shown)
                    # The lead-in's full stop and the rendered facts: one frame.
                    end = "." if shown and not lead.rstrip().endswith((".", "!", "?")) else ""
                    yield show(end + (" " if shown else "") + plan.text)
                elif (
                    serving is not None
                    and plan.decision.action in serving.slots & VOICE_SLOTS.keys()
                ):
                    said = await self.voice(serving, plan.decision.action)
                    plan.violations += said.violations
                    yield show(said.text or plan.text)  # nothing clean: the fixed reply
                else:
                    yield show(plan.text)
                if plan.decision.action == "handover":
                    outcome.handover_reason = plan.decision.reason
                    yield Handover(plan.decision.reason, plan.text)
            outcome.status = "ok"
            outcome.grounding = plan.violations if plan else []
            outcome.prompt_tokens = usage.prompt_tokens
            outcome.completion_tokens = usage.completion_tokens
        except SalesbotError as exc:
            outcome.error_code, outcome.error_message = exc.code, exc.message
            raise
        except (asyncio.CancelledError, GeneratorExit) as exc:
            outcome.status, outcome.error_code = "cancelled", "client_disconnected"
            outcome.error_message = "The shopper left before the answer was complete."
            if exc.args == (STOPPED,):
                outcome.error_code = STOPPED
                outcome.error_message = "The shopper stopped the answer."
            elif exc.args == (TAKEN_OVER,):
                outcome.error_code = TAKEN_OVER
                outcome.error_message = "A person from the shop took over; the words so far kept."
            raise
        except Exception as exc:
            outcome.error_code, outcome.error_message = "internal_error", repr(exc)
            raise
        finally:
            if planning is not None:
                _drop(planning)  # not wanted, or done already
            self.active -= 1
            self.engine.release(link)
            outcome.reply = "".join(shown)
            outcome.total_ms = (time.perf_counter() - started) * 1000
            METRICS.observe_turn(outcome)
            # Shielded so a disconnect cannot interrupt the write that records it.
            await asyncio.shield(self.log.close_turn(turn_id, outcome))
        yield Done(
            outcome.reply,
            outcome.ttft_ms,
            outcome.total_ms,
            usage,
            intent=plan.intent if plan else None,
            action=outcome.action,
            profile=plan.profile if plan else profile,
        )

    async def generate(
        self,
        plan: Plan,
        usage: Usage,
        temperature: float | None,
        max_tokens: int | None,
        serving: Serving | None,
        link: EngineLink | None = None,
    ) -> AsyncGenerator[str, None]:
        """The model's lead-in, through the grounding guard as a tripwire that should not fire."""
        await self.engine.ensure_ready(self.settings.engine_start_timeout)
        messages = lead_messages(self.settings.store_name, plan.lead or "")
        pieces = stream_lead(
            self.engine,
            messages,
            extra=self.lead_extra[plan.decision.action],
            usage=usage,
            temperature=self.settings.temperature if temperature is None else temperature,
            vocabulary=self.vocabulary,
            max_tokens=max_tokens or self.settings.max_reply_tokens,
            opening=OPENINGS.get(plan.decision.action, ""),
            model=serving.request_model if serving else None,
            link=link,
        )
        async with contextlib.aclosing(self._guarded(plan, pieces)) as guarded:
            async for piece in guarded:
                yield piece

    def warm_voices(self, serving: Serving) -> None:
        """Write a newly served version's voice replies now, before a shopper says hello."""
        for slot in serving.slots & VOICE_SLOTS.keys():
            self._voice_task(serving, slot)

    def _voice_task(self, serving: Serving, slot: str) -> "asyncio.Future[Voice]":
        key = (serving.name, slot)
        task = self._voices.get(key)
        if task is None or task.done() and (task.cancelled() or task.exception() is not None):
            # First use, or an earlier try failed (the engine was down): write it now.
            task = self._voices[key] = asyncio.ensure_future(self._write_voice(serving, slot))
        return task

    async def voice(self, serving: Serving, slot: str) -> Voice:
        """A voice slot (greeting, thanks) in the shop's own words, by the adapter taught them.
        Its prompt holds nothing of the shopper's and it is written greedily, so it is the same
        every time: written and judged once per version and slot, then shown at once."""
        return await asyncio.shield(self._voice_task(serving, slot))

    async def _write_voice(self, serving: Serving, slot: str) -> Voice:
        """Judged whole: any product, price or word that is neither the shop's nor taught, a
        loop, or no end before the token limit, and the fixed reply stands instead."""
        await self.engine.ensure_ready(self.settings.engine_start_timeout)
        usage = Usage()
        pieces = self.engine.stream_chat(
            slot_messages(self.settings.store_name, slot),
            max_tokens=MAX_VOICE_TOKENS,
            temperature=0.0,  # greedy: the words the shop taught, not variations on them
            usage=usage,
            model=serving.request_model,
            extra={"repetition_penalty": 1.2},
        )
        guard = GroundingGuard(
            [], store_name=self.settings.store_name, extra_vocabulary=serving.taught
        )
        written = []
        try:
            async for piece in pieces:
                written.append(guard.feed(piece))
                if guard.stopped:
                    break
        finally:
            await pieces.aclose()
        text = ("".join(written) + guard.finish()).strip()
        words = text.lower().split()
        looped = len(set(zip(words, words[1:], words[2:], strict=False))) < len(words) - 2
        cut = usage.completion_tokens >= MAX_VOICE_TOKENS  # it never stopped on its own
        violations = [vars(v) for v in guard.violations]
        if guard.stopped or violations or looped or cut or not text:
            log.warning("The %s reply of %s was not used: %r", slot, serving.name, text)
            return Voice(None, violations)
        return Voice(text, [])

    async def _guarded(
        self, plan: Plan, pieces: AsyncGenerator[str, None]
    ) -> AsyncGenerator[str, None]:
        guard = GroundingGuard(plan.decision.products, store_name=self.settings.store_name)
        try:
            async for piece in pieces:
                if safe := guard.feed(piece):
                    yield safe
                if guard.stopped:
                    break
            if not guard.stopped and (tail := guard.finish()):
                yield tail
        finally:
            await pieces.aclose()
            plan.violations += [vars(v) for v in guard.violations]
