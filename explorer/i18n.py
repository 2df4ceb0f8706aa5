"""The explorer's words, in simplified Chinese (the default) and English.

Plain language for residents (REQUIREMENTS AC-1, AC-2): short sentences, no ledger jargon where an
everyday word will do. Slugs that communities commonly use (sources, buckets, entry kinds) get a
readable name; any other slug is shown as it is written on chain.
"""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_LANG = "zh-Hans"
LANGS = ("zh-Hans", "en")

STRINGS: dict[str, dict[str, str]] = {
    "zh-Hans": {
        "site_name": "社区公共账本",
        "site_tagline": "每一笔公共收益的去向，人人可查。",
        "lang_switch": "English",
        "skip": "跳到正文",
        "home": "首页",
        "communities": "社区",
        "community": "社区",
        "no_communities": "还没有登记任何社区。",
        "street_link": "街道视图：各社区基金合计",
        "current_statement": "查看账目",
        "newest_block": "最新记录到第 {block} 号区块",
        "newest_block_time": "区块时间（UTC）：{time}",
        "nothing_indexed": "还没有读取任何区块。",
        "period": "期间",
        "period_range": "{start} 至 {end}",
        "status": "状态",
        "status_line": "状态：{status}",
        "downloads_label": "下载：",
        "provisional": "未结账（临时）",
        "provisional_note": "这是截至第 {block} 号区块的临时账目，之后的记录还会加进来。",
        "closed": "已结账",
        "closed_note": "本期已结账，账目内容已固定并登记在链上，不会再改变。",
        "anchored_hash": "账目指纹（SHA-256）",
        "anchor_tx": "登记交易",
        "anchor_block": "登记区块",
        "verify_hint": "下载本页 JSON 文件，计算其 SHA-256，应与上面的账目指纹完全相同。",
        "summary": "本期概况",
        "income": "收入",
        "income_total": "收入合计",
        "income_by_source": "收入来源",
        "allocated": "分配",
        "allocated_total": "分配合计",
        "allocated_by_bucket": "收入分到各账户",
        "spent": "支出",
        "spent_total": "支出合计",
        "spent_by_bucket": "各账户支出",
        "reallocated": "重新分配",
        "reallocated_by_bucket": "账户之间的重新分配",
        "balances": "各账户余额",
        "opening": "期初",
        "closing": "期末",
        "closing_chart": "期末余额",
        "source": "来源",
        "bucket": "账户",
        "amount_yuan": "金额（元）",
        "unit_yuan": "单位：元",
        "total": "合计",
        "none": "本期没有。",
        "awaiting_title": "有钱等待业主决定用途",
        "awaiting_body": "有 {amount} 元收入存放在业主共有账户，业主还没有通过分配方案，这笔钱不能动用。",
        "awaiting_zero": "等待业主决定的金额：{amount} 元",
        "flags": "提示",
        "flag_duplicate_ref": "票据号 {value} 出现了不止一次，请核对。",
        "flag_reversal_mismatch": "第 {value} 号冲正记录的金额与原记录不一致，请核对。",
        "flag_awaiting_decision": "有收入等待业主决定用途。",
        "flag_other": "提示：{value}",
        "deposits": "押金",
        "deposits_note": "押金是要退还的钱（负债），不是收入，不参与分配。",
        "deposits_held": "期末持有",
        "deposits_received": "本期收到",
        "deposits_returned": "本期退还",
        "funds": "基金",
        "fund": "基金",
        "earmark": "专项",
        "from_revenue": "来自公共收益",
        "donated": "捐赠",
        "disbursed": "拨付",
        "returned": "退回",
        "refunded": "退还捐赠人",
        "timebank": "时间银行",
        "timebank_note": "以小时计（1 小时 = 1 个积分）。",
        "tb_minted": "服务获得",
        "tb_rewarded": "奖励",
        "tb_redeemed": "已兑换",
        "tb_deducted": "扣除",
        "tb_pool": "公益池",
        "tb_holders": "持有人数",
        "hours": "{hours} 小时",
        "entries": "每一笔记录",
        "entries_note": "每一行都可以凭交易号、区块号和日志序号在链上找到。",
        "entry_count": "共 {count} 笔",
        "kind": "类型",
        "seq": "序号",
        "date": "日期",
        "ref": "票据号",
        "corrects": "更正第",
        "effective": "生效日期",
        "payer": "付款方",
        "evidence": "凭证指纹",
        "tx": "交易",
        "block": "区块",
        "log_index": "日志序号",
        "downloads": "下载",
        "download_json": "JSON（原始账目）",
        "download_csv": "CSV（表格）",
        "download_pdf": "PDF（打印张贴）",
        "download_index_json": "JSON",
        "chain": "链上范围",
        "chain_id": "链编号",
        "blocks": "第 {start} 至 {end} 号区块",
        "contracts": "合约地址",
        "trust_root": "信任根指纹（SHA-256）",
        "statement_bundle": "下载本期证明包",
        "proof": "证明",
        "previous": "上一期",
        "next": "下一期",
        "other_periods": "换个期间看",
        "nav_more": "本社区的其他公开信息",
        "nav_oversight": "预算执行、收益合同与异议",
        "nav_governance": "议事与表决",
        "nav_funds": "慈善与社区基金",
        "nav_goods": "捐赠物资",
        "nav_volunteers": "时间银行",
        "month": "月",
        "quarter": "季度",
        "year": "年",
        "not_found_title": "找不到这个页面",
        "unavailable_title": "暂时无法显示",
        "unavailable_body": "账本数据暂时读不到，请稍后再试。",
        "not_found_body": "请检查网址，或回到首页选择社区。",
        "print_url": "网上查看：",
        "footer": "本站只读：数据来自区块链上的记录，任何人都可以下载核对。",
    },
    "en": {
        "site_name": "Community Ledger",
        "site_tagline": "Where every yuan of public income goes, open to everyone.",
        "lang_switch": "中文",
        "skip": "Skip to content",
        "home": "Home",
        "communities": "Communities",
        "community": "Community",
        "no_communities": "No community has been registered yet.",
        "street_link": "Street office view: every community's funds together",
        "current_statement": "See the accounts",
        "newest_block": "Recorded up to block {block}",
        "newest_block_time": "Block time (UTC): {time}",
        "nothing_indexed": "No blocks have been read yet.",
        "period": "Period",
        "period_range": "{start} to {end}",
        "status": "Status",
        "status_line": "Status: {status}",
        "downloads_label": "Download:",
        "provisional": "Open (provisional)",
        "provisional_note": "These are provisional accounts up to block {block}; later records will be "
                            "added.",
        "closed": "Closed",
        "closed_note": "This period is closed. Its accounts are fixed and registered on the chain; they will "
                       "not change.",
        "anchored_hash": "Fingerprint of the accounts (SHA-256)",
        "anchor_tx": "Registered in transaction",
        "anchor_block": "Registered in block",
        "verify_hint": "Download this page's JSON file and compute its SHA-256: it must equal the "
                       "fingerprint above.",
        "summary": "This period at a glance",
        "income": "Income",
        "income_total": "Total income",
        "income_by_source": "Where the income came from",
        "allocated": "Allocated",
        "allocated_total": "Total allocated",
        "allocated_by_bucket": "How the income was shared out",
        "spent": "Spent",
        "spent_total": "Total spent",
        "spent_by_bucket": "Spending by account",
        "reallocated": "Moved",
        "reallocated_by_bucket": "Money moved between accounts",
        "balances": "Account balances",
        "opening": "Start",
        "closing": "End",
        "closing_chart": "Balance at the end",
        "source": "Source",
        "bucket": "Account",
        "amount_yuan": "Amount (yuan)",
        "unit_yuan": "in yuan",
        "total": "Total",
        "none": "None this period.",
        "awaiting_title": "Money waiting for the owners to decide",
        "awaiting_body": "{amount} yuan of income is held in the owners' common account. The owners have not "
                         "approved how to share it yet, so nobody can spend it.",
        "awaiting_zero": "Waiting for the owners to decide: {amount} yuan",
        "flags": "Please note",
        "flag_duplicate_ref": "Reference {value} was used more than once. Please check.",
        "flag_reversal_mismatch": "Correction no. {value} does not match the amount it corrects. "
                                  "Please check.",
        "flag_awaiting_decision": "Some income is waiting for the owners to decide.",
        "flag_other": "Note: {value}",
        "deposits": "Deposits",
        "deposits_note": "Deposits are money to be paid back (liabilities), not income; they are never "
                         "shared out.",
        "deposits_held": "Held at the end",
        "deposits_received": "Received",
        "deposits_returned": "Paid back",
        "funds": "Funds",
        "fund": "Fund",
        "earmark": "Purpose",
        "from_revenue": "From public income",
        "donated": "Donated",
        "disbursed": "Paid out",
        "returned": "Returned",
        "refunded": "Refunded to donors",
        "timebank": "Time bank",
        "timebank_note": "In hours (1 hour = 1 credit).",
        "tb_minted": "Earned by service",
        "tb_rewarded": "Rewards",
        "tb_redeemed": "Redeemed",
        "tb_deducted": "Deducted",
        "tb_pool": "Community pool",
        "tb_holders": "People holding credits",
        "hours": "{hours} h",
        "entries": "Every record",
        "entries_note": "Each line can be found on the chain by its transaction, block and log number.",
        "entry_count": "{count} records",
        "kind": "Kind",
        "seq": "No.",
        "date": "Date",
        "ref": "Reference",
        "corrects": "Corrects no.",
        "effective": "Takes effect",
        "payer": "Payer",
        "evidence": "Evidence fingerprint",
        "tx": "Transaction",
        "block": "Block",
        "log_index": "Log no.",
        "downloads": "Download",
        "download_json": "JSON (the statement itself)",
        "download_csv": "CSV (spreadsheet)",
        "download_pdf": "PDF (to print for the notice board)",
        "download_index_json": "JSON",
        "chain": "Chain range",
        "chain_id": "Chain id",
        "blocks": "blocks {start} to {end}",
        "contracts": "Contract addresses",
        "trust_root": "Trust root (SHA-256)",
        "statement_bundle": "download the proof bundle",
        "proof": "proof",
        "previous": "Previous",
        "next": "Next",
        "other_periods": "Another period",
        "nav_more": "More about this community",
        "nav_oversight": "Budget vs actual, revenue contracts, objections",
        "nav_governance": "Decisions and votes",
        "nav_funds": "Charity and community funds",
        "nav_goods": "Donated goods",
        "nav_volunteers": "Time bank",
        "month": "Month",
        "quarter": "Quarter",
        "year": "Year",
        "not_found_title": "Page not found",
        "unavailable_title": "Not available right now",
        "unavailable_body": "The ledger's data cannot be read at the moment. Please try again later.",
        "not_found_body": "Please check the address, or go back to the home page and choose a community.",
        "print_url": "Online at:",
        "footer": "Read-only: every figure comes from records on the blockchain, and anyone can download "
                  "and check them.",
    },
}

#: Readable names for common slugs (sources, buckets, entry kinds); others are shown as written.
NAMES: dict[str, dict[str, str]] = {
    "zh-Hans": {
        "advertising": "广告",
        "elevator_ads": "电梯广告",
        "parking": "停车",
        "shared_parking": "共享停车",
        "venue_rental": "场地租用",
        "stall_rental": "摊位租用",
        "other": "其他",
        "maintenance": "维修",
        "welfare": "社区福利",
        "operations": "运营",
        "owners_common": "业主共有账户（待决定）",
        "mutual_aid": "邻里互助",
        "culture": "文化",
        "income": "收入",
        "spend": "支出",
        "reallocation": "重新分配",
        "reversal": "冲正（更正）",
        "deposit_received": "收到押金",
        "deposit_returned": "退还押金",
        "policy": "分配方案生效",
    },
    "en": {
        "advertising": "Advertising",
        "elevator_ads": "Elevator ads",
        "parking": "Parking",
        "shared_parking": "Shared parking",
        "venue_rental": "Venue rental",
        "stall_rental": "Stall rental",
        "other": "Other",
        "maintenance": "Maintenance",
        "welfare": "Community welfare",
        "operations": "Operations",
        "owners_common": "Owners' common account (awaiting decision)",
        "mutual_aid": "Mutual aid",
        "culture": "Culture",
        "income": "Income",
        "spend": "Spending",
        "reallocation": "Moved between accounts",
        "reversal": "Correction",
        "deposit_received": "Deposit received",
        "deposit_returned": "Deposit paid back",
        "policy": "Sharing rule takes effect",
    },
}


def add_words(strings: dict[str, dict[str, str]], names: dict[str, dict[str, str]] | None = None) -> None:
    """A context's own words (see ``explorer/contexts.py``), added to the tables above once at import.

    A key that is already there is a mistake (two contexts would show different words for it)."""
    for table, extra in ((STRINGS, strings), (NAMES, names or {})):
        for lang, words in extra.items():
            clash = set(words) & set(table.setdefault(lang, {}))
            if clash:
                raise ValueError(f"explorer words defined twice: {sorted(clash)}")
            table[lang].update(words)


def pick_lang(requested: str | None) -> str:
    """``?lang=en`` gives English; anything else (or nothing) gives simplified Chinese."""
    if requested in LANGS:
        return requested  # type: ignore[return-value]
    if requested and requested.lower() in ("en", "en-us", "en-gb", "english"):
        return "en"
    return DEFAULT_LANG


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)``: the UI string in ``lang``, formatted; the key itself if missing."""
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANG])

    def t(key: str, **values: object) -> str:
        text = table.get(key) or STRINGS[DEFAULT_LANG].get(key) or key
        return text.format(**values) if values else text

    return t


def namer(lang: str) -> Callable[[str], str]:
    """``name(slug)``: a readable name for a source, bucket or entry kind, else the slug."""
    table = NAMES.get(lang, NAMES[DEFAULT_LANG])

    def name(slug: str) -> str:
        return table.get(slug, slug)

    return name
