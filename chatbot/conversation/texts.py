"""Every user-facing string of the dialogue engine, Bahasa Indonesia first."""

from __future__ import annotations

T = dict[str, str]

TEXTS: dict[str, T] = {
    # --- menu, language, expiry --------------------------------------------------
    "welcome": {
        "id": "Halo{name}! Saya Sigap, asisten kesehatan Anda. Pilih layanan di "
        "bawah, atau ketik pertanyaan Anda.",
        "en": "Hello{name}! I am Sigap, your health assistant. Pick a service "
        "below, or type your question.",
    },
    "menu": {
        "id": "Pilih layanan, atau ketik pertanyaan Anda. Ketik *menu* kapan saja "
        "untuk kembali ke sini.",
        "en": "Pick a service, or type your question. Type *menu* at any time to "
        "come back here.",
    },
    "menu_button": {"id": "Menu", "en": "Menu"},
    "m_selfcheck": {"id": "Cek gejala", "en": "Symptom check"},
    "m_zone": {"id": "Zona risiko", "en": "Risk zone"},
    "m_isolation": {"id": "Isolasi", "en": "Isolation"},
    "m_hospitals": {"id": "Cari rumah sakit", "en": "Find a hospital"},
    "m_psc": {"id": "Minta bantuan PSC 119", "en": "Ask PSC 119 for help"},
    # --- hospitals with free beds ---------------------------------------------------
    "rs_ask": {
        "id": "Bagikan lokasi Anda, atau ketik nama kecamatan/kota, untuk mencari "
        "rumah sakit terdekat yang punya tempat tidur kosong.",
        "en": "Share your location, or type a kecamatan/city name, to find the "
        "nearest hospitals with free beds.",
    },
    "rs_header": {
        "id": "Rumah sakit dengan tempat tidur kosong dekat {place}:",
        "en": "Hospitals with free beds near {place}:",
    },
    "rs_header_here": {
        "id": "Rumah sakit terdekat dengan tempat tidur kosong:",
        "en": "Nearest hospitals with free beds:",
    },
    "rs_free": {"id": "Kosong", "en": "Free"},
    "rs_updated": {"id": "Diperbarui", "en": "Updated"},
    "rs_stale": {
        "id": "(kedaluwarsa, >24 jam — telepon dulu)",
        "en": "(stale, >24 h — call first)",
    },
    "rs_footer": {
        "id": "Telepon rumah sakit sebelum berangkat. Gawat darurat: 119.",
        "en": "Call the hospital before you go. Emergency: 119.",
    },
    "rs_none": {
        "id": "Belum ada rumah sakit dengan tempat tidur kosong yang melapor di "
        "sekitar sini. Gawat darurat: telepon 119.",
        "en": "No hospital nearby has reported free beds. Emergency: call 119.",
    },
    "rs_again": {"id": "Cari lagi", "en": "Search again"},
    # --- PSC 119 ------------------------------------------------------------------------
    "psc_need_link": {
        "id": "Dalam keadaan gawat darurat, telepon 119 sekarang. Untuk meminta "
        "bantuan PSC 119 lewat chat, hubungkan akun Sigap Anda (menu *Hubungkan "
        "akun*).",
        "en": "In an emergency, call 119 now. To ask PSC 119 for help by chat, link "
        "your Sigap account (menu *Link account*).",
    },
    "psc_consent": {
        "id": "PSC 119 kota/kabupaten Anda akan menerima: nama dan nomor HP Anda, "
        "lokasi Anda, dan data kesehatan terakhir (hasil cek mandiri atau laporan "
        "isolasi: SpO2, napas, suhu, tanda bahaya). Hanya untuk menolong Anda "
        "sekarang. Setuju?",
        "en": "Your city/regency's PSC 119 will receive: your name and phone number, "
        "your location, and your latest health data (self-check or isolation "
        "report: SpO2, breathing, temperature, danger signs). Only to help you now. "
        "Do you agree?",
    },
    "psc_agree": {"id": "Ya, saya setuju", "en": "Yes, I agree"},
    "psc_declined": {
        "id": "Tidak dikirim. Bila keadaan memburuk, telepon 119.",
        "en": "Not sent. If it gets worse, call 119.",
    },
    "psc_location": {
        "id": "Bagikan lokasi Anda sekarang agar ambulans bisa menemukan Anda.",
        "en": "Share your location now so an ambulance can find you.",
    },
    "psc_no_location": {"id": "Pakai alamat profil", "en": "Use my home address"},
    "psc_sent": {
        "id": "Permintaan #{id} sudah diteruskan ke PSC 119 {region}. Petugas akan "
        "menghubungi Anda. Bila memburuk sebelum itu, telepon 119.",
        "en": "Request #{id} was sent to PSC 119 {region}. An officer will contact "
        "you. If it gets worse before then, call 119.",
    },
    "psc_already": {
        "id": "Permintaan #{id} ke PSC 119 {region} sudah ada (status: {status}).",
        "en": "Request #{id} to PSC 119 {region} is already open (status: {status}).",
    },
    "psc_refused": {
        "id": "{message}",
        "en": "{message}",
    },
    "m_consult": {"id": "Konsultasi", "en": "Consultation"},
    "m_hoax": {"id": "Cek hoaks", "en": "Check a hoax"},
    "m_handoff": {"id": "Bicara dengan petugas", "en": "Talk to a person"},
    "m_link": {"id": "Hubungkan akun", "en": "Link account"},
    "m_unlink": {"id": "Putuskan akun", "en": "Unlink account"},
    "m_language": {"id": "Bahasa / Language", "en": "Bahasa / Language"},
    "language_ask": {
        "id": "Pilih bahasa / Choose a language:",
        "en": "Choose a language / Pilih bahasa:",
    },
    "language_set": {
        "id": "Baik, saya akan memakai Bahasa Indonesia.",
        "en": "OK, I will use English.",
    },
    "expired": {
        "id": "Percakapan sebelumnya saya akhiri karena tidak ada balasan selama "
        "{minutes} menit. Silakan mulai lagi dari menu.",
        "en": "I ended the previous conversation because there was no reply for "
        "{minutes} minutes. Please start again from the menu.",
    },
    "cancelled": {
        "id": "Dibatalkan. Kembali ke menu.",
        "en": "Cancelled. Back to the menu.",
    },
    "error": {
        "id": "Maaf, permintaan ini belum bisa diproses: {message}",
        "en": "Sorry, this could not be done: {message}",
    },
    "skip": {"id": "Lewati", "en": "Skip"},
    "done": {"id": "Selesai", "en": "Done"},
    "none": {"id": "Tidak ada", "en": "None"},
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
    "back_menu": {"id": "Kembali ke menu", "en": "Back to menu"},
    "need_link": {
        "id": "Layanan ini memerlukan akun Sigap yang terhubung. Buka aplikasi "
        "Sigap > Profil > Hubungkan chat untuk mendapat kode 6 angka, lalu kirim "
        "*/link KODE* di sini. Jangan pernah mengirim NIK atau nomor HP di chat.",
        "en": "This service needs a linked Sigap account. Open the Sigap app > "
        "Profile > Link chat to get a 6-digit code, then send */link CODE* here. "
        "Never send your NIK or phone number in chat.",
    },
    "faq_unknown": {
        "id": "Jawaban itu sudah tidak tersedia. Silakan ketik ulang pertanyaan Anda.",
        "en": "That answer is no longer available. Please type your question again.",
    },
    "report_offer": {
        "id": "Pesan ini belum ada di data cek fakta kami. Laporkan ke kurator "
        "agar diperiksa?",
        "en": "This message is not in our fact-check data yet. Report it to the "
        "curators to be checked?",
    },
    "report": {"id": "Laporkan", "en": "Report"},
    "report_offer_or_faq": {
        "id": "Pesan ini belum ada di data cek fakta kami. Laporkan ke kurator agar "
        "diperiksa, atau pilih pertanyaan terkait yang sudah kami jawab.",
        "en": "This message is not in our fact-check data yet. Report it to the "
        "curators to be checked, or pick a related question we have answered.",
    },
    # After a claim shown as possibly related: the message may be another claim.
    "report_offer_possible": {
        "id": "Bila pesan Anda tentang hal lain, laporkan ke kurator agar diperiksa.",
        "en": "If your message is about something else, report it to the curators "
        "to be checked.",
    },
    "report_offer_possible_or_faq": {
        "id": "Bila pesan Anda tentang hal lain, laporkan ke kurator agar diperiksa, "
        "atau pilih pertanyaan terkait yang sudah kami jawab.",
        "en": "If your message is about something else, report it to the curators "
        "to be checked, or pick a related question we have answered.",
    },
    "related_button": {"id": "Pertanyaan terkait", "en": "Related questions"},
    "pick_range": {
        "id": "Balas dengan nomor 1–{count}, atau ketuk salah satu pilihan.",
        "en": "Reply with a number from 1 to {count}, or tap one of the choices.",
    },
    "pick_none": {
        "id": "Pilihan bernomor sebelumnya sudah tidak berlaku. Ketik lagi "
        "pertanyaan Anda.",
        "en": "The numbered choices from before are no longer open. Please type "
        "your question again.",
    },
    "unsupported": {
        "id": "Maaf, saya hanya bisa membaca pesan teks (dan lokasi, bila saya "
        "memintanya).",
        "en": "Sorry, I can only read text messages (and a location, when I ask for "
        "one).",
    },
    "unknown_command": {
        "id": "Perintah itu tidak saya kenal. Ketik pertanyaan Anda, atau buka menu.",
        "en": "I do not know that command. Type your question, or open the menu.",
    },
    # --- group chats -----------------------------------------------------------------
    "group_help": {
        "id": "Di grup, saya menjawab pertanyaan kesehatan dan mengecek pesan yang "
        "diduga hoaks: ketik pertanyaannya atau teruskan pesannya. Cek gejala, zona "
        "risiko, isolasi, konsultasi dan layanan lain hanya bisa dipakai di chat "
        "pribadi dengan saya{where}.",
        "en": "In a group I answer health questions and check messages that may be "
        "hoaxes: type the question or forward the message. Symptom check, risk "
        "zones, isolation, consultations and the other services work only in a "
        "private chat with me{where}.",
    },
    "group_private_only": {
        "id": "Demi privasi, layanan ini hanya bisa dipakai di chat pribadi dengan "
        "saya{where}. Di grup saya hanya menjawab pertanyaan umum dan mengecek hoaks.",
        "en": "For privacy, this works only in a private chat with me{where}. In a "
        "group I only answer general questions and check hoaxes.",
    },
    "group_code_discarded": {
        "id": "Kode itu terkirim di grup, jadi sudah saya batalkan agar tidak dipakai "
        "orang lain. Minta kode baru di aplikasi Sigap, lalu kirim di chat pribadi "
        "dengan saya{where}.",
        "en": "That code was sent in a group, so I cancelled it: no one else can use "
        "it. Get a new code in the Sigap app and send it in a private chat with "
        "me{where}.",
    },
    "group_language_admins": {
        "id": "Maaf, bahasa grup ini hanya dapat diganti oleh admin grup.",
        "en": "Sorry, only the group's admins can change this group's language.",
    },
    "group_stop_admins": {
        "id": "Maaf, pengumuman wilayah untuk grup ini hanya dapat dihentikan oleh "
        "admin grup.",
        "en": "Sorry, only the group's admins can stop this group's area "
        "announcements.",
    },
    "group_pick_tap": {
        "id": "Di grup, ketuk salah satu pilihan di bawah pesan saya.",
        "en": "In a group, tap one of the choices under my message.",
    },
    "options_button": {"id": "Pilihan", "en": "Options"},
    # --- self-check --------------------------------------------------------------
    "sc_intro": {
        "id": "*{title}*\n{intro}\nKetik *batal* untuk berhenti.",
        "en": "*{title}*\n{intro}\nType *cancel* to stop.",
    },
    "sc_number": {
        "id": "Ketik angka {min}–{max}{unit}.",
        "en": "Type a number {min}–{max}{unit}.",
    },
    "sc_number_invalid": {
        "id": "Jawaban tidak valid: ketik angka antara {min} dan {max}{unit}.",
        "en": "Not a valid answer: type a number between {min} and {max}{unit}.",
    },
    "sc_pick": {
        "id": "Pilih salah satu jawaban (atau ketik nomornya).",
        "en": "Pick one answer (or type its number).",
    },
    "sc_pick_invalid": {
        "id": "Jawaban tidak dikenali. Pilih salah satu pilihan di bawah.",
        "en": "I did not recognise that. Pick one of the choices below.",
    },
    "sc_multi": {
        "id": "Pilih satu per satu (atau ketik nomornya, mis. 1,3), lalu tekan "
        "*Selesai*. Bila tidak ada, pilih *Tidak ada*.",
        "en": "Pick them one by one (or type their numbers, e.g. 1,3), then tap "
        "*Done*. If none apply, pick *None*.",
    },
    "sc_selected": {"id": "Dipilih: {items}", "en": "Selected: {items}"},
    "sc_region": {
        "id": "Ketik nama kecamatan tempat Anda tinggal, atau pilih *Lewati*.",
        "en": "Type the name of the kecamatan where you live, or pick *Skip*.",
    },
    "sc_region_none": {
        "id": 'Kecamatan "{q}" tidak ditemukan. Coba ketik lagi, atau *Lewati*.',
        "en": 'No kecamatan "{q}" found. Try again, or *Skip*.',
    },
    "sc_region_pick": {
        "id": "Yang mana maksud Anda?",
        "en": "Which one do you mean?",
    },
    "sc_restart": {
        "id": "Pertanyaan cek mandiri baru saja diperbarui; saya mulai dari awal.",
        "en": "The self-check questions were just updated; starting again.",
    },
    "sc_result": {
        "id": "*Hasil: {label}*\n{reasons}\n\n{advice}",
        "en": "*Result: {label}*\n{reasons}\n\n{advice}",
    },
    "sc_not_stored": {
        "id": "Hasil ini tidak disimpan atas nama Anda (tanpa identitas). "
        "Hubungkan akun dan beri persetujuan di aplikasi untuk menyimpan riwayat.",
        "en": "This result is not stored under your name (no identity kept). "
        "Link your account and give consent in the app to keep a history.",
    },
    "sc_stored": {
        "id": "Hasil ini tersimpan di riwayat cek mandiri akun Anda.",
        "en": "This result is saved in your account's self-check history.",
    },
    "sc_recheck": {
        "id": "Cek ulang setelah {when}.",
        "en": "Check again after {when}.",
    },
    # --- zone --------------------------------------------------------------------
    "zone_ask": {
        "id": "Ketik nama kelurahan, kecamatan atau kota, atau bagikan lokasi Anda.",
        "en": "Type the name of a village, kecamatan or city, or share your location.",
    },
    "zone_short": {
        "id": "Ketik minimal 2 huruf nama tempat.",
        "en": "Type at least 2 letters of a place name.",
    },
    "zone_none": {
        "id": 'Tempat "{q}" tidak ditemukan. Coba ejaan lain atau bagikan lokasi.',
        "en": 'No place "{q}" found. Try another spelling or share a location.',
    },
    "zone_pick": {
        "id": "Ada beberapa tempat dengan nama itu. Maksud Anda:",
        "en": "Several places have that name. Did you mean:",
    },
    "zone_result": {
        "id": "*{name}*\n{parents}\nZona: *{zone}*\n{explanation}\n\nData {date}: "
        "{figures}",
        "en": "*{name}*\n{parents}\nZone: *{zone}*\n{explanation}\n\nFigures {date}: "
        "{figures}",
    },
    "zone_unknown": {
        "id": "Belum ada penetapan zona untuk wilayah ini.",
        "en": "No zone has been set for this area yet.",
    },
    "zone_approx": {
        "id": "(lokasi di luar batas kecamatan; ini kecamatan terdekat)",
        "en": "(the location is outside any kecamatan; this is the nearest one)",
    },
    "zone_location_error": {
        "id": "Lokasi itu tidak bisa dipetakan: {message}",
        "en": "That location could not be mapped: {message}",
    },
    "zone_subscribe": {"id": "Langganan info", "en": "Get updates"},
    "zone_another": {"id": "Cari tempat lain", "en": "Another place"},
    "zone_subscribe_ask": {
        "id": "Wilayah mana yang ingin Anda ikuti pengumumannya? Ketik nama "
        "kelurahan, kecamatan atau kota, atau bagikan lokasi Anda; lalu pilih "
        "*Langganan info*.",
        "en": "Which area's announcements would you like? Type the name of a "
        "village, kecamatan or city, or share your location; then choose *Get "
        "updates*.",
    },
    "zone_subscribe_elsewhere": {
        "id": "Langganan pengumuman wilayah tersedia di Telegram dan WhatsApp.",
        "en": "Area announcements are available on Telegram and WhatsApp.",
    },
    "zone_subscribed": {
        "id": "Anda akan menerima pengumuman untuk {name}. Ketik *berhenti* untuk "
        "berhenti berlangganan.",
        "en": "You will get announcements for {name}. Type *stop* to unsubscribe.",
    },
    "unsubscribed": {
        "id": "Anda tidak akan lagi menerima pengumuman wilayah ({count}).",
        "en": "You will no longer get area announcements ({count}).",
    },
    "unsubscribed_none": {
        "id": "Anda tidak sedang berlangganan pengumuman wilayah.",
        "en": "You have no area announcements to stop.",
    },
    "fig_new_confirmed": {"id": "kasus baru", "en": "new cases"},
    "fig_active_confirmed": {"id": "kasus aktif", "en": "active cases"},
    "fig_recovered": {"id": "sembuh", "en": "recovered"},
    "fig_deaths": {"id": "meninggal", "en": "deaths"},
    "fig_suspect": {"id": "suspek", "en": "suspected"},
    "fig_probable": {"id": "probabel", "en": "probable"},
    "fig_isolating": {"id": "isolasi", "en": "isolating"},
    "fig_households_confirmed_7d": {
        "id": "rumah dengan kasus (7 hari)",
        "en": "households with cases (7 days)",
    },
    # --- isolation ---------------------------------------------------------------
    "iso_none": {
        "id": "Anda tidak sedang dalam pemantauan isolasi.",
        "en": "You are not under isolation monitoring.",
    },
    "iso_status": {
        "id": "Isolasi hari ke-{day} dari {days} ({facility}). Laporan berikutnya: "
        "{slot}.",
        "en": "Isolation day {day} of {days} ({facility}). Next report: {slot}.",
    },
    "iso_symptoms": {
        "id": "Laporan {slot}: gejala apa yang Anda rasakan sekarang?",
        "en": "Report for the {slot}: which symptoms do you have now?",
    },
    "iso_danger": {
        "id": "Apakah ada tanda bahaya berikut?",
        "en": "Do you have any of these danger signs?",
    },
    "iso_temperature": {
        "id": "Berapa suhu tubuh Anda (°C)? Contoh: 37.5. Pilih *Lewati* bila "
        "tidak diukur.",
        "en": "What is your body temperature (°C)? E.g. 37.5. Pick *Skip* if "
        "you did not measure it.",
    },
    "iso_temperature_invalid": {
        "id": "Suhu harus angka antara 30 dan 45 °C (mis. 37.5). Coba lagi.",
        "en": "The temperature must be a number between 30 and 45 °C (e.g. "
        "37.5). Try again.",
    },
    "iso_spo2": {
        "id": "Berapa saturasi oksigen (SpO2, %) dari oksimeter? Pilih *Lewati* "
        "bila tidak ada.",
        "en": "What is your oxygen saturation (SpO2, %) from the pulse oximeter? "
        "Pick *Skip* if you have none.",
    },
    "iso_spo2_invalid": {
        "id": "SpO2 harus bilangan bulat antara 50 dan 100. Coba lagi.",
        "en": "SpO2 must be a whole number between 50 and 100. Try again.",
    },
    "iso_saved": {
        "id": "Terima kasih, laporan {slot} tersimpan.",
        "en": "Thank you, your {slot} report is saved.",
    },
    "iso_already": {
        "id": "Laporan {slot} sudah Anda kirim sebelumnya; tidak disimpan dua kali.",
        "en": "You already sent the {slot} report; it is not stored twice.",
    },
    "iso_alert": {
        "id": "⚠️ Ada tanda bahaya: {reasons}. Petugas puskesmas sudah diberi "
        "tahu dan akan menghubungi Anda. Bila memburuk, segera hubungi *119* "
        "atau ke IGD terdekat.",
        "en": "⚠️ Danger signs: {reasons}. The puskesmas staff have been alerted "
        "and will contact you. If you get worse, call *119* or go to the "
        "nearest emergency room now.",
    },
    # --- consultation ------------------------------------------------------------
    "consult_next": {
        "id": "Konsultasi berikutnya: {when} dengan {doctor} ({facility}).",
        "en": "Next consultation: {when} with {doctor} ({facility}).",
    },
    "consult_none": {
        "id": "Anda belum punya jadwal konsultasi.",
        "en": "You have no consultation booked.",
    },
    "consult_slots": {
        "id": "Jadwal kosong terdekat. Pilih untuk memesan:",
        "en": "Earliest free times. Pick one to book:",
    },
    "consult_no_slots": {
        "id": "Belum ada jadwal kosong dalam 7 hari ke depan. Coba lagi nanti.",
        "en": "No free times in the next 7 days. Please try again later.",
    },
    "consult_book": {"id": "Pesan jadwal", "en": "Book a time"},
    "consult_cancel": {"id": "Batalkan", "en": "Cancel it"},
    "consult_cancel_confirm": {
        "id": "Yakin membatalkan konsultasi {when}?",
        "en": "Cancel the consultation at {when}?",
    },
    "consult_booked": {
        "id": "Terjadwal: {when} dengan {doctor} ({facility}). Anda akan "
        "diingatkan sebelumnya.",
        "en": "Booked: {when} with {doctor} ({facility}). You will get a reminder.",
    },
    "consult_cancelled": {
        "id": "Konsultasi {when} dibatalkan.",
        "en": "The consultation at {when} is cancelled.",
    },
    "consult_gone": {
        "id": "Jadwal itu sudah tidak tersedia. Pilih jadwal lain.",
        "en": "That time is no longer available. Pick another one.",
    },
    # --- hoax ----------------------------------------------------------------------
    "hoax_ask": {
        "id": "Teruskan atau tempel pesan yang ingin Anda cek.",
        "en": "Forward or paste the message you want checked.",
    },
    "hoax_reported": {
        "id": "Terima kasih, pesan ini sudah diteruskan ke kurator untuk diperiksa.",
        "en": "Thank you, the message was passed to the curators to be checked.",
    },
    "hoax_nothing": {
        "id": "Tidak ada pesan untuk dilaporkan. Teruskan pesannya dulu.",
        "en": "There is no message to report. Forward the message first.",
    },
    # --- handoff -------------------------------------------------------------------
    "handoff_open": {
        "id": "Anda terhubung ke kotak masuk petugas. Tulis pesan Anda; petugas "
        "akan membalas di sini secepatnya. Ketik *selesai* untuk mengakhiri.",
        "en": "You are connected to the staff inbox. Write your message; staff "
        "will reply here as soon as they can. Type *done* to end.",
    },
    "handoff_received": {
        "id": "Pesan diterima petugas.",
        "en": "Message received by staff.",
    },
    "handoff_closed": {
        "id": "Percakapan dengan petugas selesai. Terima kasih!",
        "en": "The conversation with staff has ended. Thank you!",
    },
    "handoff_reply": {
        "id": "Petugas Sigap: {text}",
        "en": "Sigap staff: {text}",
    },
    # --- linking -------------------------------------------------------------------
    "link_ask": {
        "id": "Ketik kode 6 angka dari aplikasi Sigap (Profil > Hubungkan chat). "
        "Jangan kirim NIK atau nomor HP.",
        "en": "Type the 6-digit code from the Sigap app (Profile > Link chat). "
        "Do not send your NIK or phone number.",
    },
    "link_ok": {
        "id": "Akun Sigap Anda terhubung. Sekarang Anda bisa memakai layanan "
        "Isolasi dan Konsultasi di sini.",
        "en": "Your Sigap account is linked. You can now use Isolation and "
        "Consultation here.",
    },
    "link_bad": {
        "id": "Kode salah, sudah dipakai, atau kedaluwarsa. Minta kode baru di "
        "aplikasi.",
        "en": "The code is wrong, used or expired. Get a new code in the app.",
    },
    "link_locked": {
        "id": "Terlalu banyak kode salah. Coba lagi dalam {minutes} menit.",
        "en": "Too many wrong codes. Try again in {minutes} minutes.",
    },
    "link_web": {
        "id": "Chat di aplikasi sudah memakai akun Anda; tidak perlu dihubungkan.",
        "en": "The in-app chat already uses your account; no linking needed.",
    },
    "unlinked": {
        "id": "Chat ini tidak lagi terhubung ke akun Sigap.",
        "en": "This chat is no longer linked to a Sigap account.",
    },
    "unlink_none": {
        "id": "Chat ini tidak terhubung ke akun Sigap.",
        "en": "This chat is not linked to a Sigap account.",
    },
}


def t(key: str, lang: str, **params) -> str:
    texts = TEXTS[key]
    text = texts.get(lang) or texts["id"]
    return text.format(**params) if params else text
