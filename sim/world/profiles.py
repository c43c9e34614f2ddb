"""Customer profiles (name, gender, birth date, city, phone, email) drawn fast and reproducibly.

Faker is slow per call, so each locale's names, cities and e-mail domains are drawn once into a
cached pool with a seeded Faker; a world's customers are then numpy draws from that pool, and
phones, birth dates and e-mail numbers are vectorised numpy draws. Everything random comes from
the PROFILES stream of the world seed (``sim.world.rng``), so same (n, locale, seed) gives the
same arrays in any process, for the pinned Faker version.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from faker import Faker

from sim.i18n import _
from sim.world.population import ACQUIRED_KEY, Population
from sim.world.rng import PROFILES, stream

SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en_US", "en_GB", "de_DE", "fr_FR", "ja_JP")

# The pool is a fixed table per locale (like a dictionary of names), not per world: every seed
# samples the same pool, so replications with many seeds never pay the Faker cost again.
POOL_SEED = 0
POOL_NAMES = 1000  # full names per gender
POOL_CITIES = 400  # Faker city draws; repeats keep Faker's own frequencies

# Ages are computed on this date unless the caller passes ``as_of`` (the scenario's start date).
REFERENCE_DATE = dt.date(2025, 1, 1)
MIN_AGE, MAX_AGE = 18, 80
# Age = 18 + 62 * Beta(1.6, 2.4): mean 43, about 60% aged 25-49, 9% under 25, 7% 65 or older.
AGE_BETA = (1.6, 2.4)
P_FEMALE = 0.5

# Pinyin of every character in Faker's zh_CN surname and given-name lists (Faker 40.63), made
# once with pypinyin 0.55 and checked by hand for surname readings (曾 zeng, 单 shan, 解 xie,
# 仇 qiu, 查 zha, 区 ou, 朴 piao, 覃 qin ...). ü is written v, as in Chinese e-mail addresses.
_PINYIN_TABLE = """
王wang李li张zhang刘liu陈chen杨yang黄huang吴wu赵zhao周zhou徐xu孙sun马ma朱zhu胡hu林lin郭guo何he高gao罗luo
郑zheng梁liang谢xie宋song唐tang许xu邓deng冯feng韩han曹cao曾zeng彭peng萧xiao蔡cai潘pan田tian董dong袁yuan
于yu余yu叶ye蒋jiang杜du苏su魏wei程cheng吕lv丁ding沈shen任ren姚yao卢lu傅fu钟zhong姜jiang崔cui谭tan廖liao范fan
汪wang陆lu金jin石shi戴dai贾jia韦wei夏xia邱qiu方fang侯hou邹zou熊xiong孟meng秦qin白bai江jiang阎yan薛xue尹yin
段duan雷lei黎li史shi龙long陶tao贺he顾gu毛mao郝hao龚gong邵shao万wan钱qian严yan赖lai覃qin洪hong武wu莫mo孔kong
汤tang向xiang常chang温wen康kang施shi文wen牛niu樊fan葛ge邢xing安an齐qi易yi乔qiao伍wu庞pang颜yan倪ni庄zhuang
聂nie章zhang鲁lu岳yue翟zhai殷yin詹zhan申shen欧ou耿geng关guan兰lan焦jiao俞yu左zuo柳liu甘gan祝zhu包bao宁ning
尚shang符fu舒shu阮ruan柯ke纪ji梅mei童tong凌ling毕bi单shan季ji裴pei霍huo涂tu成cheng苗miao谷gu盛sheng曲qu
翁weng冉ran骆luo蓝lan路lu游you辛xin靳jin阳yang管guan柴chai蒙meng鲍bao华hua喻yu祁qi蒲pu房fang滕teng屈qu饶rao
解xie牟mou艾ai尤you时shi穆mu农nong司si卓zhuo古gu吉ji缪miao简jian车che项xiang连lian芦lu麦mai褚chu娄lou窦dou
戚qi岑cen景jing党dang宫gong费fei卜bu冷leng晏yan席xi卫wei米mi柏bai宗zong瞿qu桂gui全quan佟tong应ying臧zang
闵min苟gou邬wu边bian卞bian姬ji师shi和he仇qiu栾luan隋sui商shang刁diao沙sha荣rong巫wu寇kou桑sang郎lang甄zhen
丛cong仲zhong虞yu敖ao巩gong明ming佘she池chi查zha麻ma苑yuan迟chi邝kuang官guan封feng谈tan匡kuang鞠ju惠hui
荆jing乐yue冀ji郁yu胥xu南nan班ban储chu原yuan栗li燕yan楚chu鄢yan劳lao谌chen奚xi皮pi粟su冼xian蔺lin楼lou盘pan
满man闻wen位wei厉li伊yi仝tong区ou郜gao海hai阚kan花hua权quan强qiang帅shuai屠tu豆dou朴piao盖ge练lian廉lian禹yu
井jing祖zu漆qi巴ba丰feng支zhi卿qing国guo狄di平ping计ji索suo宣xuan晋jin相xiang初chu门men云yun容rong敬jing
来lai扈hu晁chao芮rui都du普pu阙que浦pu戈ge伏fu鹿lu薄bo邸di雍yong辜gu羊yang阿a乌wu母mu裘qiu亓qi修xiu邰tai赫he
杭hang况kuang那na宿su鲜xian印yin逯lu隆long茹ru诸zhu战zhan慕mu危wei玉yu银yin亢kang嵇ji公gong哈ha湛zhan宾bin
戎rong勾gou茅mao利li呼hu居ju揭jie干gan但dan尉wei冶ye斯si元yuan束shu檀tan衣yi信xin展zhan阴yin昝zan智zhi幸xing
奉feng植zhi衡heng富fu尧yao闭bi由you伟wei磊lei洋yang勇yong军jun杰jie涛tao超chao刚gang辉hui鹏peng飞fei鑫xin
波bo斌bin宇yu浩hao凯kai健jian俊jun帆fan旭xu欢huan佳jia建jian亮liang峰feng晨chen瑞rui志zhi兵bing东dong博bo
彬bin坤kun想xiang岩yan楠nan红hong霞xia芳fang娜na敏min静jing秀xiu英ying丽li艳yan娟juan玲ling丹dan萍ping莉li
珍zhen婷ting凤feng晶jing颖ying雪xue慧hui倩qian琴qin畅chang洁jie淑shu春chun冬dong莹ying琳lin欣xin香xiang
芝zhi小xiao瑜yu璐lu
"""
PINYIN: dict[str, str] = dict(re.findall(r"([^a-z\s])([a-z]+)", _PINYIN_TABLE))

# Faker's zh_CN free-mail domains are Western ones; Chinese customers mostly use these
# (repeats weight them roughly by use).
_ZH_DOMAINS = (
    ("qq.com",) * 9
    + ("163.com",) * 5
    + ("126.com",) * 2
    + ("sina.com",) * 2
    + (
        "foxmail.com",
        "sohu.com",
    )
)

# zh_CN mobile prefixes (China Mobile, Unicom, Telecom).
_ZH_MOBILE_PREFIXES = np.array(
    [*range(130, 140), 145, 147, *range(150, 154), *range(155, 160), 166, 173]
    + [175, 176, 177, 178, *range(180, 190), 191, 198, 199]
)
_DE_MOBILE_PREFIXES = ("0151", "0152", "0157", "0159", "0160", "0162", "0163") + tuple(
    f"017{d}" for d in range(10)
)
_NANP = np.array([k for k in range(200, 1000) if k % 100 != 11 and k != 555])  # NXX, no N11


@dataclass(frozen=True)
class ProfilePool:
    """The Faker-drawn material of one locale that profiles are sampled from."""

    locale: str
    female_names: np.ndarray
    male_names: np.ndarray
    female_stems: np.ndarray  # lower-case ascii e-mail stem of each female name
    male_stems: np.ndarray
    cities: np.ndarray
    email_domains: np.ndarray


def _ascii(text: str) -> str:
    """Lower-case a-z form of a Latin-script name (Müller -> mueller, Hélène -> helene)."""
    text = text.lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", text)


def _pinyin(text: str) -> str:
    """Toneless pinyin of a Chinese name; characters missing from the table are dropped."""
    return "".join(PINYIN.get(ch, "") for ch in text)


def _person(fake: Faker, locale: str, female: bool) -> tuple[str, str]:
    """One (name, e-mail stem) pair in the locale's own writing order."""
    if locale == "zh_CN":
        last = fake.last_name()
        first = fake.first_name_female() if female else fake.first_name_male()
        return last + first, _pinyin(last) + _pinyin(first)
    if locale == "ja_JP":
        last_kanji, _, last_roman = fake.last_name_pair()
        pair = fake.first_name_female_pair() if female else fake.first_name_male_pair()
        return f"{last_kanji} {pair[0]}", f"{_ascii(pair[2])}.{_ascii(last_roman)}"
    first = fake.first_name_female() if female else fake.first_name_male()
    last = fake.last_name()
    return f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}"


@functools.lru_cache(maxsize=16)
def profile_pool(locale: str, pool_seed: int = POOL_SEED) -> ProfilePool:
    """Draw (once per process) the names, cities and domains of a locale with a seeded Faker."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(
            _(
                "locale {locale} is not supported; use one of {locales}",
                locale=repr(locale),
                locales=", ".join(SUPPORTED_LOCALES),
            )
        )
    fake = Faker(locale)
    fake.seed_instance(pool_seed)

    def names(female: bool) -> tuple[np.ndarray, np.ndarray]:
        pairs = [_person(fake, locale, female) for _ in range(POOL_NAMES)]
        stems = [stem.strip(".") or "user" for _, stem in pairs]
        return _frozen([name for name, _ in pairs]), _frozen(stems)

    female_names, female_stems = names(True)
    male_names, male_stems = names(False)
    city = fake.city_name if locale == "zh_CN" else fake.city  # zh_CN city() invents names
    cities = _frozen([city() for _ in range(POOL_CITIES)])
    if locale == "zh_CN":
        domains = _frozen(list(_ZH_DOMAINS))
    else:
        domains = _frozen([fake.free_email_domain() for _ in range(100)])
    return ProfilePool(locale, female_names, male_names, female_stems, male_stems, cities, domains)


def _frozen(values: list[str]) -> np.ndarray:
    """A read-only string array, so a cached pool cannot be changed by a caller."""
    arr = np.array(values, dtype=str)
    arr.flags.writeable = False
    return arr


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """n random integers with exactly ``width`` decimal digits when zero-padded."""
    return rng.integers(0, 10**width, size=n)


def _phones_zh_cn(rng: np.random.Generator, n: int) -> list[str]:
    """Mainland mobile numbers: 11 digits from a carrier prefix, 13812345678."""
    prefix = _ZH_MOBILE_PREFIXES[rng.integers(0, len(_ZH_MOBILE_PREFIXES), size=n)]
    return (prefix * 10**8 + _digits(rng, n, 8)).astype(str).tolist()


def _phones_en_us(rng: np.random.Generator, n: int) -> list[str]:
    """North American numbers, (415) 555-0123 style, with valid NXX area and exchange."""
    area = _NANP[rng.integers(0, len(_NANP), size=n)].tolist()
    exchange = _NANP[rng.integers(0, len(_NANP), size=n)].tolist()
    line = _digits(rng, n, 4).tolist()
    return [f"({a}) {e}-{x:04d}" for a, e, x in zip(area, exchange, line, strict=True)]


def _phones_en_gb(rng: np.random.Generator, n: int) -> list[str]:
    """UK mobile numbers, 07700 900123 style."""
    second = np.array([1, 2, 3, 4, 5, 7, 8, 9])[rng.integers(0, 8, size=n)].tolist()
    mid = _digits(rng, n, 2).tolist()
    rest = _digits(rng, n, 6).tolist()
    return [f"07{s}{m:02d} {r:06d}" for s, m, r in zip(second, mid, rest, strict=True)]


def _phones_de_de(rng: np.random.Generator, n: int) -> list[str]:
    """German mobile numbers, 0151 23456789 style."""
    prefixes = np.array(_DE_MOBILE_PREFIXES)[rng.integers(0, len(_DE_MOBILE_PREFIXES), size=n)]
    rest = _digits(rng, n, 8).tolist()
    # 015x numbers have eight subscriber digits, 016x and 017x mostly seven.
    return [
        f"{p} {r:08d}" if p.startswith("015") else f"{p} {r // 10:07d}"
        for p, r in zip(prefixes.tolist(), rest, strict=True)
    ]


def _phones_fr_fr(rng: np.random.Generator, n: int) -> list[str]:
    """French mobile numbers, 06 12 34 56 78 style."""
    lead = rng.integers(6, 8, size=n).tolist()
    pairs = _digits(rng, n, 8).tolist()
    out = []
    for a, p in zip(lead, pairs, strict=True):
        s = f"{p:08d}"
        out.append(f"0{a} {s[0:2]} {s[2:4]} {s[4:6]} {s[6:8]}")
    return out


def _phones_ja_jp(rng: np.random.Generator, n: int) -> list[str]:
    """Japanese mobile numbers, 090-1234-5678 style."""
    lead = np.array([9, 8, 7])[rng.integers(0, 3, size=n)].tolist()
    mid = _digits(rng, n, 4).tolist()
    end = _digits(rng, n, 4).tolist()
    return [f"0{a}0-{b:04d}-{c:04d}" for a, b, c in zip(lead, mid, end, strict=True)]


# Mobile numbers written the way each locale writes them.
_PHONES: dict[str, Callable[[np.random.Generator, int], list[str]]] = {
    "zh_CN": _phones_zh_cn,  # 13812345678
    "en_US": _phones_en_us,  # (415) 555-0123
    "en_GB": _phones_en_gb,  # 07700 900123
    "de_DE": _phones_de_de,  # 0151 23456789
    "fr_FR": _phones_fr_fr,  # 06 12 34 56 78
    "ja_JP": _phones_ja_jp,  # 090-1234-5678
}


def _birth_dates(rng: np.random.Generator, n: int, as_of: dt.date) -> np.ndarray:
    """Birth dates of adults aged MIN_AGE..MAX_AGE (completed years) on ``as_of``."""
    latest = np.datetime64(_years_before(as_of, MIN_AGE), "D")
    earliest = np.datetime64(_years_before(as_of, MAX_AGE), "D")
    span = int((latest - earliest).astype(np.int64))
    back = np.rint(rng.beta(*AGE_BETA, size=n) * span).astype(np.int64)
    return latest - back.astype("timedelta64[D]")


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _distinct_numbers(rng: np.random.Generator, group: np.ndarray, block: int) -> np.ndarray:
    """Random positive integers that never repeat within a group (an e-mail stem), and
    that a row keeps whatever rows come after it (so a bigger world keeps every e-mail).

    A row's number is a draw from 1..999 plus 1000 × (2 × its rank among the earlier rows
    of its group + block's parity) plus 10⁹ × (block // 2): ranges of different ranks or
    blocks never overlap (below half a million rows of one stem).
    """
    n = len(group)
    value = rng.integers(1, 1000, size=n)
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    start_of_row = np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - start_of_row
    return value + 1000 * (2 * rank + block % 2) + 10**9 * (block // 2)


def make_profiles(
    n: int,
    locale: str,
    seed: int,
    *,
    as_of: dt.date | str | None = None,
    pool_seed: int = POOL_SEED,
    block: int = 0,
) -> dict[str, np.ndarray]:
    """Profiles of n customers as arrays: name, gender, birth_date, city, phone, email.

    Ages are 18-80 on ``as_of`` (default REFERENCE_DATE, 2025-01-01; pass the scenario's
    start date). E-mails are unique across the n rows and the blocks. Same arguments, same
    arrays; the first n rows of a longer call are these (each field has its own stream).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day = REFERENCE_DATE if as_of is None else dt.date.fromisoformat(str(as_of)[:10])
    pool = profile_pool(locale, pool_seed)

    def draw(field: int) -> np.random.Generator:
        return stream(seed, PROFILES, block, field)

    # Field numbers are part of the reproducibility contract.
    female = draw(0).random(n) < P_FEMALE
    size = len(pool.female_names)
    pick = draw(1).integers(0, size, size=n) + np.where(female, 0, size)
    names = np.concatenate([pool.female_names, pool.male_names])
    stems_all = np.concatenate([pool.female_stems, pool.male_stems])
    birth = _birth_dates(draw(2), n, day)
    city = pool.cities[draw(3).integers(0, len(pool.cities), size=n)]
    phone = _PHONES[locale](draw(4), n)
    domain = pool.email_domains[draw(5).integers(0, len(pool.email_domains), size=n)]
    stems, stem_id = np.unique(stems_all, return_inverse=True)
    number = _distinct_numbers(draw(6), stem_id[pick], block)
    # A stem has no digits and the number only digits, so stem+number is unique when the
    # number is unique within its stem, whatever the domain.
    email = [
        f"{s}{k}@{d}"
        for s, k, d in zip(
            stems[stem_id[pick]].tolist(), number.tolist(), domain.tolist(), strict=True
        )
    ]
    return {
        "name": names[pick],
        "gender": np.where(female, "F", "M"),
        "birth_date": birth,
        "city": city,
        "phone": np.array(phone, dtype=str),
        "email": np.array(email, dtype=str),
    }


def keyed_profiles(
    pop: Population, locale: str, seed: int, as_of: dt.date
) -> dict[str, np.ndarray]:
    """The profiles of a world's customers, row for row: each block's (initial base,
    acquired) drawn in key order, so a customer's profile follows their key."""
    out: dict[str, np.ndarray] = {}
    for block in np.unique(pop.block).tolist():
        rows = np.flatnonzero(pop.block == block)
        index = pop.key[rows] - block * ACQUIRED_KEY  # (each block's keys start there)
        made = make_profiles(int(index.max()) + 1, locale, seed, as_of=as_of, block=block)
        for name, values in made.items():
            if name not in out:
                out[name] = np.empty(len(pop), dtype=values.dtype)
            elif out[name].dtype != values.dtype and values.dtype.kind == "U":
                width = max(out[name].dtype.itemsize, values.dtype.itemsize) // 4
                out[name] = out[name].astype(f"<U{width}")
            out[name][rows] = values[index]
    if not out:
        out = make_profiles(0, locale, seed, as_of=as_of)
    return out


class GrowingProfiles:
    """The profiles of one block whose customers join one at a time (referred friends):
    row k is row k of `make_profiles(n, ..., block=block)` for any n > k (each field's
    stream is drawn in order), made in doubling batches so k joins cost O(k) in all."""

    def __init__(self, locale: str, seed: int, as_of: dt.date, block: int) -> None:
        self.args = (locale, seed)
        self.as_of, self.block = as_of, block
        self.made: dict[str, np.ndarray] = make_profiles(0, locale, seed, as_of=as_of, block=block)

    def __len__(self) -> int:
        return len(self.made["name"])

    def rows(self, n: int) -> dict[str, np.ndarray]:
        """The first n rows."""
        if n > len(self):
            size = max(n, 2 * len(self), 16)
            self.made = make_profiles(size, *self.args, as_of=self.as_of, block=self.block)
        return {name: values[:n] for name, values in self.made.items()}
