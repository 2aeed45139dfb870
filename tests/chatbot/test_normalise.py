"""Pure: Indonesian normalisation as people type it (no database)."""

from __future__ import annotations

import pytest

from chatbot.matching.normalise import Normaliser, find_urls, normalise_url, stem

N = Normaliser()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gmn cara isoman?", ("cara", "isolasi", "mandiri")),
        ("Gimana CARA isolasi mandiri!!!", ("cara", "isolasi", "mandiri")),
        ("klo sy positif", ("positif",)),
        ("yg tdk bisa dgn utk", ("tidak",)),
        ("sy gk bisa nyium bau", ("hilang", "cium")),  # synonym: anosmia
        ("sakit bgt", ("sakit",)),
        ("pleaseee vaksiiin boosterrr", ("vaksin", "booster")),
        ("maaaaf", ()),  # "maaf" is a stopword once squeezed to its real spelling
        ("saaaat isoman", ("saat", "isolasi", "mandiri")),
        ("vaksin 🙏🙏😷 booster", ("vaksin", "booster")),
        ("𝐕𝐚𝐤𝐬𝐢𝐧 𝐁𝐨𝐨𝐬𝐭𝐞𝐫", ("vaksin", "booster")),
        ("anak2 dan anak-anak", ("anak", "anak")),
        ("v4ksin c0vid", ("vaksin", "covid")),
        ("sinyal 5G", ("jaring", "5g")),  # synonym: jaringan 5g
    ],
)
def test_it_normalises_chat_spelling(text, expected):
    assert N.analyse(text).terms == expected


@pytest.mark.parametrize(
    ("asked", "written", "shared"),
    [
        # Session 8: what residents call a disease, a complaint or a service, and
        # the word a public-health entry uses for it.
        ("anak sy kena db", "demam berdarah dengue (DBD)", "dbd"),
        ("ciri2 flek paru", "gejala tuberkulosis", "tbc"),
        ("obat tb brp lama", "pengobatan TBC", "tbc"),
        ("anak tampek", "gejala campak", "campak"),
        ("ada yg pingsan", "tidak sadarkan diri", "sadar"),
        ("cek kandungan", "pemeriksaan kehamilan", "hamil"),
        ("dedek bayi jarang nendang", "gerakan janin berkurang", "gerak"),
        ("temen pengen bunuh diri", "keinginan mengakhiri hidup", "hidup"),
        ("bak mandi banyak uget2", "jentik nyamuk", "jentik"),
        ("suami keringetan tiap malem", "berkeringat di malam hari", "keringat"),
        ("is monkeypox contagious", "mpox menular melalui kontak", "mpox"),
        ("how do i call an ambulance", "mengirim ambulans", "ambulans"),
        ("how can i quit smoking", "berhenti merokok", "henti"),
        ("bab cair 5x", "buang air besar cair", "buang"),
        ("anak tipes", "demam tifoid", "tifoid"),
        ("iron tablets for girls", "tablet tambah darah", "tambah"),
        # Session 9: a toilet by its everyday names; English "cover" for a cost.
        ("wc nya gantian", "kamar mandi dipakai bersama", "kamar"),
        ("toilet cuma satu", "satu kamar mandi", "mandi"),
        ("does bpjs cover it", "biaya ditanggung JKN", "tanggung"),
        # Session 10: a pilgrimage, public transport, household bleach, nail polish,
        # sterilising, ivermectin's and proning's everyday spellings.
        ("vaksin buat umroh", "berangkat umrah", "umrah"),
        ("naik krl pake masker?", "di transportasi umum", "transportasi"),
        ("masker di angkot", "di transportasi umum", "transportasi"),
        ("mask on public transport", "di transportasi umum", "transportasi"),
        ("harus maskeran gak", "memakai masker", "masker"),
        ("ngepel pake bayclin", "larutan pemutih", "mutih"),
        ("clean with bleach", "larutan pemutih", "mutih"),
        ("kutek ngaruh gak", "cat kuku", "kuku"),
        # Indonesian "cat" is paint: "cat kuku" stays nail polish, never a cat's.
        ("kutek ngaruh gak", "boleh pakai cat kuku?", "cat"),
        ("my cat has a fever", "kucing peliharaan", "kucing"),
        ("sterilisasi badan", "disinfeksi tubuh", "disinfeksi"),
        ("minum ivermektin", "ivermectin obat cacing", "ivermectin"),
        ("proning buat sesak", "posisi tengkurap", "tengkurap"),
        # session 12: Javanese, Sundanese and Betawi words, English complaints
        ("watuke anakku ra mandek", "batuk rejan", "batuk"),
        ("budak abdi kuru pisan", "anak kurus", "anak"),
        ("keselek biji rambutan", "anak tersedak", "sedak"),
        ("anakku stip", "kejang demam pada anak", "kejang"),
        ("my son gets nosebleeds", "mimisan pada anak", "mimisan"),
        ("pink eye going around", "konjungtivitis menular", "konjungtivitis"),
        ("my daughter has lice", "kutu rambut", "kutu"),
        ("haze is bad today", "kabut asap kebakaran hutan", "kabut"),
        ("where to check uric acid", "cek asam urat", "urat"),
        ("obat rumput ketelan", "keracunan pestisida", "pestisida"),
        ("tetangga dipukulin lakinya", "kekerasan dalam rumah tangga", "keras"),
        ("update no wa di aplikasi", "ubah nomor ponsel", "ponsel"),
        ("bpjs mati, bisa berobat?", "bpjs nonaktif karena menunggak", "nonaktif"),
        # session 13: English words for checking and paying, chat spellings
        ("is this pcr letter legit", "surat hasil pcr asli", "asli"),
        ("do i have to pay for the swab", "biaya tes swab", "biaya"),
        ("can i request a vaccine brand", "memilih merek vaksin", "merek"),
        (
            "i lost my sense of smell",
            "penciuman hilang, tidak bisa mencium bau",
            "cium",
        ),
        ("got a scam call", "penipuan mengatasnamakan dinas kesehatan", "tipu"),
        ("cara mengecek status vaksin", "cek status vaksin", "cek"),
        ("td sy ditelpon", "tadi saya ditelepon", "tadi"),
        # Session 16: depression and other disorders are mental health (jiwa).
        ("i feel depressed", "layanan kesehatan jiwa", "jiwa"),
        ("gejala depresi", "gangguan jiwa", "jiwa"),
        ("keluarga odgj", "anggota keluarga dengan gangguan jiwa", "jiwa"),
    ],
)
def test_everyday_health_words_meet_the_entries_words(asked, written, shared):
    assert shared in set(N.analyse(asked).terms) & set(N.analyse(written).terms)


def test_gerakan_is_gerak_not_gera():
    # Sastrawi reads "gerakan" as gera + -kan; the noun is gerak + -an.
    assert N.analyse("gerakan janin").terms[0] == "gerak"


@pytest.mark.parametrize(
    "variant",
    ["covid19", "COVID-19", "covid 19", "corona", "korona", "virus corona", "Kopid"],
)
def test_it_maps_every_spelling_of_the_disease_to_one_term(variant):
    assert N.analyse(f"gejala {variant}").terms == ("gejala", "covid")


def test_it_maps_affixed_covid_verbs():
    assert "covid" in N.analyse("pasien dicovidkan rumah sakit").terms
    assert "covid" in N.analyse("MENGCOVIDKAN pasien").terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vaksin ke-3", ("vaksin", "booster")),
        ("dosis ketiga", ("vaksin", "booster")),
        ("dua minggu", ("2", "minggu")),
        ("sudah 2x vaksin", ("sudah", "2", "kali", "vaksin")),
    ],
)
def test_it_unifies_number_variants(text, expected):
    assert N.analyse(text).terms == expected


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("pemeriksaan", "periksa"),
        ("terinfeksi", "infeksi"),
        ("gejalanya", "gejala"),
        ("nyerang", "serang"),  # colloquial nasal prefix
        ("sembuhin", "sembuh"),  # colloquial -in
        ("vaccines", "vaccin"),  # light English stem for words Sastrawi does not know
    ],
)
def test_it_stems(word, root):
    assert stem(word) == root


def test_it_caches_stems():
    stem.cache_clear()
    stem("pemeriksaan")
    stem("pemeriksaan")
    assert stem.cache_info().hits >= 1


def test_it_applies_curator_synonyms_to_phrases():
    plain = Normaliser()
    curated = Normaliser({"tes usap tenggorokan": "swab", "kopit": "covid"})
    assert plain.analyse("tes usap tenggorokan").terms != ("swab",)
    assert curated.analyse("tes usap tenggorokan").terms == ("swab",)
    assert curated.analyse("kopit").terms == ("covid",)


def test_it_extracts_and_normalises_links():
    urls = find_urls("cek https://www.turnbackhoax.id/2021/01/x/?utm_source=wa ya")
    assert urls == ["turnbackhoax.id/2021/01/x"]
    assert normalise_url("HTTP://m.Example.com/a/") == "example.com/a"
    assert N.analyse("lihat bit.ly/abc123 sekarang").urls == ("bit.ly/abc123",)


def test_it_returns_empty_analysis_for_emoji_and_junk():
    assert N.analyse("😂😂🙏").is_empty
    assert N.analyse("\x00\x01\x02").is_empty
    assert N.analyse("").is_empty


def test_a_closing_gak_asks_yes_or_no_and_is_not_a_term():
    n = Normaliser()
    assert n.analyse("oksimeter 93 bahaya gak?").terms == ("oksimeter", "93", "bahaya")
    assert n.analyse("vaksin covid bayar nggak ya kak").terms[-1] != "tidak"
    # Inside the question it still means "not".
    assert "tidak" in n.analyse("udah ga ada gejala tp masih positif").terms
    assert n.analyse("gak").terms == ("tidak",)


def test_ngaku_is_claiming_not_stiff():
    """Sastrawi reads colloquial "ngaku" (to claim) as kaku, a symptom word (stiff
    neck): a scam call "ngaku dari dinkes" must not match stiffness."""
    assert "kaku" not in N.analyse("ada yg nelpon ngaku dr dinkes").terms
    assert "kaku" in N.analyse("leher kaku").terms


def test_an_apostrophe_inside_a_word_joins_it():
    """English contractions read as their words ("isn't" -> "is not"), possessives
    and Indonesian "Jum'at" as one word, never as stray letters."""
    assert (
        N.analyse("he isn't breathing").terms == N.analyse("he is not breathing").terms
    )
    assert "t" not in N.analyse("he isn\u2019t breathing").terms
    assert N.analyse("i'm tired").terms == N.analyse("i am tired").terms
    assert N.analyse("my kid's class").terms == N.analyse("my kids class").terms
    assert N.analyse("sholat Jum'at").terms == N.analyse("sholat jumat").terms


@pytest.mark.parametrize(
    ("everyday", "canonical"),
    [
        ("anak sy kesetrum", "anak saya tersengat listrik"),
        ("kaki keseleo", "kaki terkilir"),
        ("sering panas dingin", "sering demam menggigil"),
        ("he keeps throwing up", "he keeps muntah"),
        ("puskesmas buka pas tanggal merah", "puskesmas buka pas hari libur"),
        ("minta surat sakit", "minta surat keterangan sakit"),
        ("bangun tidur salah bantal", "bangun tidur leher kaku"),
        ("puser bayi", "pusar bayi"),
        ("chat dokter ga direspon", "chat dokter ga dibalas"),
        ("jadwal vaksin diundur", "jadwal vaksin ditunda"),
        ("isi kotak p3k", "isi kotak pertolongan pertama"),
        ("first aid for a cut", "pertolongan pertama for a cut"),
    ],
)
def test_everyday_words_for_complaints_and_paperwork(everyday, canonical):
    """Residents' words and the curators' words for the same thing read the same."""
    assert N.analyse(everyday).terms == N.analyse(canonical).terms


def test_codes_with_digits_are_not_read_as_leetspeak():
    """A first-aid kit, "P3K", is no "pek"; "KF94" no "kf9a"; "omega3" no "omegae"."""
    assert "pek" not in N.analyse("kotak p3k").terms
    assert N.analyse("kf94").terms == N.analyse("masker").terms
    assert N.analyse("minyak ikan omega3").terms[-1] == "omega3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anak umur 3th", ("anak", "umur", "3", "tahun")),
        ("umur 40thn", ("umur", "40", "tahun")),
        ("demam 3hr", ("demam", "3", "hari")),
        ("hamil 7bln", ("hamil", "7", "bulan")),
        ("paracetamol 500mg", ("parasetamol", "500", "mg")),
        ("trombosit 40rb", ("trombosit", "40", "rb")),
        ("jam 10an", ("jam", "10")),
    ],
)
def test_a_number_written_with_its_unit_is_the_number_and_the_unit(text, expected):
    """Chat glues units to numbers; the digits were read as leetspeak ("40thn" was
    "aothn", "500mg" "5oomg", "3th" "eth")."""
    assert N.analyse(text).terms == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my 2nd dose", ("second", "dosis")),
        ("1st", ("first",)),
        ("4th dose", ("fourth", "dosis")),
        ("lansia 70th", ("lansia", "70", "tahun")),
    ],
)
def test_english_ordinals_are_words_and_th_after_a_number_is_tahun(text, expected):
    """ "3rd" was "erd"; "Nth" is an English ordinal only before what one counts."""
    assert N.analyse(text).terms == expected


def test_a_misspelt_word_the_lexicon_reads_is_read_as_that_word():
    """ "faceshild" is the lexicon's "faceshield" (a face shield), one letter away;
    inflections are no typos ("infections" is not "infectious") and dictionary
    words are left as they are."""
    assert N.analyse("faceshild").terms == N.analyse("faceshield").terms
    assert N.analyse("ivermectin").terms == N.analyse("ivermektin").terms
    assert N.analyse("infections").terms != N.analyse("infectious").terms
    assert N.analyse("pemeriksaan").terms == ("periksa",)
    assert N.analyse("vaccinations").terms == N.analyse("vaksinasi").terms


@pytest.mark.parametrize(
    ("regional", "standard"),
    [
        # session 26: regional and colloquial health words (general knowledge)
        ("ngelu", "sakit kepala"),  # Javanese; was read as "kelu"
        ("kepala lieur", "kepala sakit kepala"),  # Sundanese
        ("anakku mriyang karo watuken", "anakku demam karo batuk"),
        ("awak nggreges kemeng", "awak demam pegal"),
        ("kuping budheg", "telinga tuli"),
        ("weteng murus", "perut diare"),
        ("diarea", "diare"),  # was read as "area"
        ("diabetis", "diabetes"),
        ("kulit cangkrangen", "kulit gatal"),
        ("gondongen", "gondongan"),
        ("bayi sawanen", "bayi kejang"),
        ("dada ampeg", "dada sesak napas"),
        ("jalan sempoyongan", "jalan sakit kepala"),
        ("masuk angin", "kembung demam"),
        ("bapak encok", "bapak rematik"),
        ("salah urat", "terkilir"),
        ("penyakit gula", "diabetes"),
        ("anak saya kena step", "anak saya demam kejang"),
        ("sasak angok", "sesak napas"),  # Minang
        ("megap-megap", "sesak napas"),
        ("promag untuk ibu hamil", "obat maag untuk ibu hamil"),
    ],
)
def test_regional_and_colloquial_health_words(regional, standard):
    assert N.analyse(regional).terms == N.analyse(standard).terms


def test_step_alone_stays_english():
    """ "step" is a febrile seizure only in a phrase ("kena step"); alone it is the
    English word."""
    assert N.analyse("step by step").terms == ("step", "by", "step")
    assert "kejang" not in N.analyse("what is the next step").terms


@pytest.mark.parametrize(
    ("chat", "standard"),
    [
        # the unstressed "e" left out
        ("pnyakit", "penyakit"),
        ("ksehatan anak", "kesehatan anak"),
        ("badan brsih", "badan bersih"),
        ("mriang", "meriang"),  # was read as "riang", cheerful
        ("prut sakit", "perut sakit"),
        ("trlambat imunisasi", "terlambat imunisasi"),
        # the last letter doubled for stress
        ("pusingg", "pusing"),
        ("mencrett", "mencret"),
        ("gatell bgt", "gatal banget"),
    ],
)
def test_chat_spellings_of_known_words(chat, standard):
    assert N.analyse(chat).terms == N.analyse(standard).terms


@pytest.mark.parametrize("word", ["slot", "saklar", "bpjs", "klinik", "swab", "grup"])
def test_words_in_use_are_never_read_as_a_chat_spelling(word):
    """ "slot" is no "selot" (a bolt), "saklar" is how the switch is written."""
    assert N.analyse(word).terms == (word,)
