"""``genesys-sandbox serve`` and ``genesys-sandbox truth``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from .action_maps import OUTCOME_METRICS
from .auth import DEFAULT_CLIENT, OAuthClient
from .directory import DIVISION_NAMES
from .org import OrgConfig, generate, ground_truth
from .timefmt import parse_iso


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, non-zero exit
        self.exit(2, f"{self.prog}: error: {message}\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text}")
    return value


def _fault_kinds(text: str) -> tuple[str, ...]:
    from .limits import FAULT_KINDS

    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = sorted(set(kinds) - set(FAULT_KINDS))
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"unknown fault kinds {unknown}; choose from {','.join(FAULT_KINDS)}")
    return kinds


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def _client(text: str) -> OAuthClient:
    try:
        return OAuthClient.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _client_divisions(text: str) -> tuple[str, tuple[str, ...]]:
    client_id, _, names = text.partition(":")
    divisions = tuple(n.strip() for n in names.split(",") if n.strip())
    unknown = sorted(set(divisions) - set(DIVISION_NAMES))
    if not client_id or not divisions or unknown:
        raise argparse.ArgumentTypeError(
            f"client divisions must be ID:NAME[,NAME] with names among {', '.join(DIVISION_NAMES)}, got {text!r}"
        )
    return client_id, divisions


def _org_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--customers", type=_positive, default=2000)
    parser.add_argument("--days", type=_positive, default=30)
    parser.add_argument("--end-date", type=_day, default=None, help="last day of data (default: yesterday, UTC)")
    parser.add_argument(
        "--activity-scale", type=float, default=1.0, help="multiplies web visits and conversations per customer-day"
    )


def _org_config(args) -> OrgConfig:
    return OrgConfig(
        seed=args.seed,
        customers=args.customers,
        days=args.days,
        end_date=args.end_date,
        activity_scale=args.activity_scale,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="genesys-sandbox", description="A simulated Genesys Cloud org over HTTP.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = sub.add_parser("serve", help="generate the org and serve the API")
    _org_args(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--rate-limit-per-minute", type=int, default=300)
    serve.add_argument(
        "--rate-window-seconds",
        type=float,
        default=60.0,
        help="length of the rate-limit window; the limit scales with it (tests shorten it)",
    )
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--fault-rate", type=_share, default=0.0)
    serve.add_argument(
        "--fault-kinds",
        type=_fault_kinds,
        default=None,
        help="comma-separated subset of 429,500,502,503,drop,truncate,malformed (default: all)",
    )
    serve.add_argument(
        "--fault-burst",
        type=_positive,
        default=1,
        help="a fault repeats for this many consecutive requests of the client (a storm)",
    )
    serve.add_argument(
        "--bad-record-rate",
        type=_share,
        default=0.0,
        help="share of conversations and journey events served broken (bad input)",
    )
    serve.add_argument(
        "--overlapping-pages",
        action="store_true",
        help="async result pages repeat the previous page's last record (duplicates across pages)",
    )
    serve.add_argument("--token-ttl-seconds", type=_positive, default=86400)
    serve.add_argument(
        "--client",
        type=_client,
        action="append",
        metavar="ID:SECRET:SCOPES",
        help="an OAuth client (repeatable); default sandbox:sandbox-secret, read-only",
    )
    serve.add_argument("--now", type=parse_iso, default=None, help="freeze the org's clock at this instant")
    serve.add_argument("--job-latency-seconds", type=float, default=2.0)
    serve.add_argument("--job-ttl-seconds", type=float, default=3600.0)
    serve.add_argument("--job-failure-rate", type=_share, default=0.0)
    serve.add_argument("--availability-lag-minutes", type=int, default=90)
    serve.add_argument(
        "--other-consumer-per-minute",
        type=int,
        default=0,
        help="another integration spends this many requests a minute of each client's budget",
    )
    serve.add_argument(
        "--api-profile",
        choices=("full", "seed", "platform"),
        default="full",
        help="full: the seed contract's paths and the Platform API's; platform: only what a real "
        "org serves (seed-only paths answer 404); seed: without the Platform paths for "
        "Predictive Engagement",
    )
    serve.add_argument(
        "--client-divisions",
        type=_client_divisions,
        action="append",
        metavar="ID:DIVISION[,DIVISION]",
        help="limit a client to some divisions by name (Home, Retail); the rest of the org's data is "
        "left out of its answers without an error, as the platform does (repeatable)",
    )
    serve.add_argument(
        "--merged-contact-answer",
        choices=("head", "record"),
        default="head",
        help="what a GET or bulk fetch of a merged-away contact id answers: the contact at the head "
        "of the merge (as the platform is documented to), or the old record with mergedTo",
    )
    serve.add_argument(
        "--unserved-status",
        type=int,
        choices=(400, 403, 404, 405),
        default=404,
        help="what a path the org does not serve answers (the documentation does not say; default 404)",
    )
    serve.add_argument(
        "--token-without-scope",
        action="store_true",
        help="leave scope out of the token response (GET /api/v2/tokens/me still names the scopes)",
    )
    serve.add_argument(
        "--bulk-contact-ids",
        type=_positive,
        default=100,
        help="the most ids one bulk contact fetch takes; a longer list is refused with 400",
    )
    serve.add_argument(
        "--job-concurrency",
        type=_non_negative,
        default=0,
        help="analytics jobs a client may have running at once; one more is refused with 429 (0: no limit)",
    )
    serve.add_argument(
        "--job-submissions-per-minute",
        type=_non_negative,
        default=0,
        help="analytics jobs a client may submit a minute; one more is refused with 429 (0: no limit)",
    )
    serve.add_argument(
        "--journey-settle-hours",
        type=float,
        default=24.0,
        help="hours after a day ends until its action-map figures are final (they fill in until then)",
    )
    serve.add_argument(
        "--withdraw-outcome-metrics",
        action="store_true",
        help="journey outcomes are deprecated: a journey aggregates query naming "
        + " or ".join(OUTCOME_METRICS)
        + " is refused with 400",
    )
    serve.add_argument("--verbose", action="store_true")
    truth = sub.add_parser("truth", help="write the generator's ground truth as JSON")
    _org_args(truth)
    truth.add_argument("--out", required=True, help="file to write ('-' for stdout)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "truth":
        payload = json.dumps(ground_truth(generate(_org_config(args))), sort_keys=True)
        if args.out == "-":
            sys.stdout.write(payload + "\n")
        else:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(payload)
        return 0

    from .server import Sandbox, ServerConfig

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    config = ServerConfig(
        org=_org_config(args),
        host=args.host,
        port=args.port,
        rate_limit_per_minute=args.rate_limit_per_minute,
        rate_window_seconds=args.rate_window_seconds,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        fault_burst=args.fault_burst,
        bad_record_rate=args.bad_record_rate,
        overlapping_pages=args.overlapping_pages,
        **({"fault_kinds": args.fault_kinds} if args.fault_kinds else {}),
        token_ttl_seconds=args.token_ttl_seconds,
        clients=args.client or [DEFAULT_CLIENT],
        now=args.now,
        job_latency_seconds=args.job_latency_seconds,
        job_ttl_seconds=args.job_ttl_seconds,
        job_failure_rate=args.job_failure_rate,
        availability_lag_minutes=args.availability_lag_minutes,
        api_profile=args.api_profile,
        other_consumer_per_minute=args.other_consumer_per_minute,
        merged_contact_answer=args.merged_contact_answer,
        client_divisions=dict(args.client_divisions or []),
        unserved_status=args.unserved_status,
        token_scope=not args.token_without_scope,
        bulk_contact_ids=args.bulk_contact_ids,
        job_concurrency=args.job_concurrency,
        job_submissions_per_minute=args.job_submissions_per_minute,
        journey_settle_hours=args.journey_settle_hours,
        withdrawn_metrics=OUTCOME_METRICS if args.withdraw_outcome_metrics else (),
    )
    try:
        sandbox = Sandbox(config)
    except OSError as exc:
        print(f"genesys-sandbox: error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    host, port = sandbox.address
    print(f"genesys-sandbox listening on http://{host}:{port}", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
