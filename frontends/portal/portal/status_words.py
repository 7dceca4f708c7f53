"""The words of the status page (`/l/<token>`) and of "I want to talk to a person" (`/praten`),
in every citizen language (`voorportaal_contracts.types.CitizenLanguage`), and dates written out
in them (with the portal's own month and weekday names, `portal.i18n.long_date`).

Plain language (B1), the formal polite form (u, siz, Pan/Pani), no codes. The sentences about
the case itself come from the dossier (it knows the case); these are the page's own words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import reflex as rx

# The languages and dates written out are the portal's own, here under the names the status
# and talk pages use.
from portal.i18n import LANGUAGES as LANGUAGES
from portal.i18n import in_session_language, known_language
from portal.i18n import long_date as long_date

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")

WORDS: Final[dict[str, dict[str, str]]] = {
    # ---------------------------------------------------------------- the status page
    "status.title": {
        "nl": "Uw zaak",
        "en": "Your case",
        "tr": "Dosyanız",
        "ar": "ملفكم",
        "pl": "Pana/Pani sprawa",
    },
    "status.loading": {
        "nl": "We halen uw zaak op …",
        "en": "We are getting your case …",
        "tr": "Dosyanızı açıyoruz …",
        "ar": "نقوم بتحميل ملفكم …",
        "pl": "Pobieramy Pana/Pani sprawę …",
    },
    "status.arranged": {
        "nl": "Wat is geregeld",
        "en": "What is arranged",
        "tr": "Halledilenler",
        "ar": "ما تم ترتيبه",
        "pl": "Co jest już załatwione",
    },
    "status.arranged_none": {
        "nl": "Er is nog niets afgerond.",
        "en": "Nothing has been finished yet.",
        "tr": "Henüz hiçbir şey tamamlanmadı.",
        "ar": "لم يكتمل أي شيء حتى الآن.",
        "pl": "Nic nie zostało jeszcze zakończone.",
    },
    "status.waiting": {
        "nl": "Waar we op wachten",
        "en": "What we are waiting for",
        "tr": "Beklediklerimiz",
        "ar": "ما ننتظره",
        "pl": "Na co czekamy",
    },
    "status.waiting_none": {
        "nl": "We wachten nergens op.",
        "en": "We are not waiting for anything.",
        "tr": "Şu anda hiçbir şeyi beklemiyoruz.",
        "ar": "لا ننتظر أي شيء الآن.",
        "pl": "Na nic nie czekamy.",
    },
    "status.chain": {
        "nl": "Deze stap begint pas als de stap ervoor klaar is.",
        "en": "This step only starts when the step before it is done.",
        "tr": "Bu adım, ancak bir önceki adım bitince başlar.",
        "ar": "هذه الخطوة لا تبدأ إلا بعد انتهاء الخطوة التي قبلها.",
        "pl": "Ten krok zacznie się dopiero wtedy, gdy zakończy się poprzedni.",
    },
    "status.on_buddy": {
        "nl": "Uw contactpersoon zoekt dit met u uit.",
        "en": "Your contact person will sort this out with you.",
        "tr": "İrtibat kişiniz bunu sizinle birlikte çözecek.",
        "ar": "سيتابع الشخص المسؤول عن التواصل معكم هذا الأمر معكم.",
        "pl": "Pana/Pani osoba kontaktowa wyjaśni to razem z Panem/Panią.",
    },
    "status.buddy": {
        "nl": "Uw contactpersoon",
        "en": "Your contact person",
        "tr": "İrtibat kişiniz",
        "ar": "الشخص المسؤول عن التواصل معكم",
        "pl": "Pana/Pani osoba kontaktowa",
    },
    "status.promises": {
        "nl": "Wat u is beloofd",
        "en": "What you were promised",
        "tr": "Size verilen sözler",
        "ar": "ما وُعدتم به",
        "pl": "Co Panu/Pani obiecano",
    },
    "status.promises_none": {
        "nl": "Er staan geen beloftes open.",
        "en": "There are no open promises.",
        "tr": "Bekleyen bir söz yok.",
        "ar": "لا توجد وعود قيد الانتظار.",
        "pl": "Nie ma obietnic, które czekają na spełnienie.",
    },
    "status.promise.open": {
        "nl": "Staat nog open.",
        "en": "Still open.",
        "tr": "Henüz yerine getirilmedi.",
        "ar": "لم يُنفَّذ بعد.",
        "pl": "Jeszcze niespełniona.",
    },
    "status.promise.kept": {
        "nl": "Deze belofte is nagekomen.",
        "en": "This promise was kept.",
        "tr": "Bu söz yerine getirildi.",
        "ar": "تم الوفاء بهذا الوعد.",
        "pl": "Ta obietnica została dotrzymana.",
    },
    "status.promise.kept_late": {
        "nl": "Deze belofte is nagekomen, maar te laat.",
        "en": "This promise was kept, but late.",
        "tr": "Bu söz yerine getirildi, ama geç.",
        "ar": "تم الوفاء بهذا الوعد، ولكن متأخراً.",
        "pl": "Ta obietnica została dotrzymana, ale z opóźnieniem.",
    },
    "status.promise.broken": {
        "nl": "Deze belofte is niet nagekomen. Uw contactpersoon weet dit en zoekt het uit.",
        "en": "This promise was not kept. Your contact person knows and is looking into it.",
        "tr": "Bu söz yerine getirilmedi. İrtibat kişiniz bunu biliyor ve ilgileniyor.",
        "ar": "لم يتم الوفاء بهذا الوعد. الشخص المسؤول عن التواصل معكم يعلم بذلك ويتابعه.",
        "pl": "Ta obietnica nie została dotrzymana. Osoba kontaktowa o tym wie i to wyjaśnia.",
    },
    "status.next": {
        "nl": "Wat u nu moet doen",
        "en": "What you need to do now",
        "tr": "Şimdi yapmanız gerekenler",
        "ar": "ما عليكم فعله الآن",
        "pl": "Co musi Pan/Pani teraz zrobić",
    },
    "status.messages": {
        "nl": "Berichten voor u",
        "en": "Messages for you",
        "tr": "Size gelen mesajlar",
        "ar": "رسائل لكم",
        "pl": "Wiadomości dla Pana/Pani",
    },
    "status.checklist": {
        "nl": "Uw takenlijst",
        "en": "Your task list",
        "tr": "Görev listeniz",
        "ar": "قائمة مهامكم",
        "pl": "Pana/Pani lista zadań",
    },
    "status.checklist_intro": {
        "nl": "Vink aan wat u heeft gedaan. Zo weten wij en uw contactpersoon het ook.",
        "en": "Tick off what you have done. Then we and your contact person know it too.",
        "tr": "Yaptıklarınızı işaretleyin. Böylece biz ve irtibat kişiniz de bunu bilir.",
        "ar": "ضعوا علامة على ما قمتم به. هكذا نعرف نحن والشخص المسؤول عن التواصل معكم ذلك أيضاً.",
        "pl": "Proszę zaznaczyć, co zostało zrobione. Wtedy my i osoba kontaktowa też o tym wiemy.",
    },
    "status.checklist_none": {
        "nl": "Er staat nu niets op uw takenlijst.",
        "en": "There is nothing on your task list now.",
        "tr": "Listenizde şu anda hiçbir şey yok.",
        "ar": "لا يوجد شيء في قائمة مهامكم الآن.",
        "pl": "Na liście nie ma teraz żadnych zadań.",
    },
    "status.done": {
        "nl": "Gedaan",
        "en": "Done",
        "tr": "Yapıldı",
        "ar": "تم",
        "pl": "Zrobione",
    },
    "status.to_do": {
        "nl": "Nog doen",
        "en": "To do",
        "tr": "Yapılacak",
        "ar": "لم يتم بعد",
        "pl": "Do zrobienia",
    },
    "status.late": {
        "nl": "Te laat",
        "en": "Late",
        "tr": "Süresi geçti",
        "ar": "متأخر",
        "pl": "Po terminie",
    },
    "status.due": {
        "nl": "Uiterlijk {date}",
        "en": "By {date}",
        "tr": "Son tarih: {date}",
        "ar": "في موعد أقصاه {date}",
        "pl": "Najpóźniej {date}",
    },
    "status.mark_done": {
        "nl": "Ik heb dit gedaan: {title}",
        "en": "I have done this: {title}",
        "tr": "Bunu yaptım: {title}",
        "ar": "قمت بهذا: {title}",
        "pl": "Zrobiłem/zrobiłam to: {title}",
    },
    "status.mark_failed": {
        "nl": "Het aanvinken is niet gelukt. Probeer het opnieuw.",
        "en": "Ticking this off did not work. Please try again.",
        "tr": "İşaretleme yapılamadı. Lütfen tekrar deneyin.",
        "ar": "لم ينجح وضع العلامة. يرجى المحاولة مرة أخرى.",
        "pl": "Nie udało się zaznaczyć. Proszę spróbować ponownie.",
    },
    # ------------------------------------------------ a document the buddy asked for
    "status.documents": {
        "nl": "Een document sturen",
        "en": "Send a document",
        "tr": "Belge gönderme",
        "ar": "إرسال وثيقة",
        "pl": "Przesłanie dokumentu",
    },
    "status.send_document": {
        "nl": "Stuur dit document: {what}",
        "en": "Send this document: {what}",
        "tr": "Bu belgeyi gönderin: {what}",
        "ar": "أرسلوا هذه الوثيقة: {what}",
        "pl": "Proszę przesłać ten dokument: {what}",
    },
    "status.choose_file": {
        "nl": "Kies een bestand of maak een foto",
        "en": "Choose a file or take a photo",
        "tr": "Bir dosya seçin veya fotoğraf çekin",
        "ar": "اختاروا ملفاً أو التقطوا صورة",
        "pl": "Proszę wybrać plik lub zrobić zdjęcie",
    },
    "status.upload_allowed": {
        "nl": "Een PDF of een foto (JPG of PNG), hoogstens {mb} MB.",
        "en": "A PDF or a photo (JPG or PNG), at most {mb} MB.",
        "tr": "Bir PDF veya fotoğraf (JPG ya da PNG), en fazla {mb} MB.",
        "ar": "ملف PDF أو صورة (JPG أو PNG)، بحد أقصى {mb} ميغابايت.",
        "pl": "Plik PDF lub zdjęcie (JPG albo PNG), najwyżej {mb} MB.",
    },
    "status.which_document": {
        "nl": "Welk document stuurt u?",
        "en": "Which document are you sending?",
        "tr": "Hangi belgeyi gönderiyorsunuz?",
        "ar": "أي وثيقة ترسلون؟",
        "pl": "Jaki dokument Pan/Pani przesyła?",
    },
    "status.send": {
        "nl": "Versturen",
        "en": "Send",
        "tr": "Gönder",
        "ar": "إرسال",
        "pl": "Wyślij",
    },
    "status.received": {
        "nl": "Ontvangen: {name}",
        "en": "Received: {name}",
        "tr": "Alındı: {name}",
        "ar": "تم الاستلام: {name}",
        "pl": "Otrzymaliśmy: {name}",
    },
    "status.upload_no_file": {
        "nl": "Kies eerst een bestand of maak een foto.",
        "en": "Please choose a file or take a photo first.",
        "tr": "Lütfen önce bir dosya seçin veya fotoğraf çekin.",
        "ar": "يرجى اختيار ملف أو التقاط صورة أولاً.",
        "pl": "Proszę najpierw wybrać plik lub zrobić zdjęcie.",
    },
    "status.upload_wrong_type": {
        "nl": "Dit bestand kunnen we niet aannemen. Stuur een PDF of een foto (JPG of PNG).",
        "en": "We cannot accept this file. Please send a PDF or a photo (JPG or PNG).",
        "tr": "Bu dosyayı kabul edemiyoruz. Lütfen bir PDF veya fotoğraf (JPG ya da PNG) gönderin.",
        "ar": "لا يمكننا قبول هذا الملف. يرجى إرسال ملف PDF أو صورة (JPG أو PNG).",
        "pl": "Nie możemy przyjąć tego pliku. Proszę przesłać plik PDF lub zdjęcie (JPG albo PNG).",
    },
    "status.upload_too_big": {
        "nl": "Dit bestand is te groot. Het mag hoogstens {mb} MB zijn.",
        "en": "This file is too large. It may be at most {mb} MB.",
        "tr": "Bu dosya çok büyük. En fazla {mb} MB olabilir.",
        "ar": "هذا الملف كبير جداً. يجب ألا يزيد حجمه عن {mb} ميغابايت.",
        "pl": "Ten plik jest za duży. Może mieć najwyżej {mb} MB.",
    },
    "status.upload_empty": {
        "nl": "Dit bestand is leeg. Kies een ander bestand.",
        "en": "This file is empty. Please choose another file.",
        "tr": "Bu dosya boş. Lütfen başka bir dosya seçin.",
        "ar": "هذا الملف فارغ. يرجى اختيار ملف آخر.",
        "pl": "Ten plik jest pusty. Proszę wybrać inny plik.",
    },
    "status.upload_failed": {
        "nl": "Het versturen is niet gelukt. Probeer het later opnieuw of bel uw contactpersoon.",
        "en": "Sending did not work. Please try again later or call your contact person.",
        "tr": "Gönderme başarısız oldu. Lütfen daha sonra tekrar deneyin veya irtibat "
        "kişinizi arayın.",
        "ar": "لم ينجح الإرسال. يرجى المحاولة مرة أخرى لاحقاً أو الاتصال بالشخص المسؤول عن التواصل معكم.",
        "pl": "Nie udało się wysłać. Proszę spróbować później lub zadzwonić do swojej osoby "
        "kontaktowej.",
    },
    "status.call": {
        "nl": "Bel {phone}",
        "en": "Call {phone}",
        "tr": "Arayın: {phone}",
        "ar": "اتصلوا على {phone}",
        "pl": "Proszę zadzwonić: {phone}",
    },
    "status.website": {
        "nl": "Website van {agency}",
        "en": "Website of {agency}",
        "tr": "{agency} web sitesi",
        "ar": "موقع {agency}",
        "pl": "Strona internetowa: {agency}",
    },
    "status.we_refer": {
        "nl": "Dit regelen wij voor u.",
        "en": "We arrange this for you.",
        "tr": "Bunu sizin için biz hallediyoruz.",
        "ar": "نحن نرتب هذا من أجلكم.",
        "pl": "Załatwimy to za Pana/Panią.",
    },
    "status.refused_part": {
        "nl": "Een deel van uw zaak kunt u met deze link niet zien.",
        "en": "Part of your case cannot be seen with this link.",
        "tr": "Bu bağlantıyla dosyanızın bir bölümünü göremezsiniz.",
        "ar": "لا يمكن رؤية جزء من ملفكم بهذا الرابط.",
        "pl": "Części sprawy nie można zobaczyć za pomocą tego linku.",
    },
    "status.talk": {
        "nl": "Wilt u liever iemand spreken?",
        "en": "Would you rather talk to someone?",
        "tr": "Biriyle konuşmak mı istersiniz?",
        "ar": "هل تفضلون التحدث مع شخص؟",
        "pl": "Woli Pan/Pani z kimś porozmawiać?",
    },
    "status.unreachable": {
        "nl": "We kunnen uw zaak nu niet ophalen. Probeer het over een paar minuten opnieuw.",
        "en": "We cannot get your case right now. Please try again in a few minutes.",
        "tr": "Dosyanızı şu anda açamıyoruz. Lütfen birkaç dakika sonra tekrar deneyin.",
        "ar": "لا يمكننا تحميل ملفكم الآن. يرجى المحاولة مرة أخرى بعد بضع دقائق.",
        "pl": "Nie możemy teraz pobrać sprawy. Proszę spróbować za kilka minut.",
    },
    # ---------------------------------------------------------------- a link that does not open
    "link.title": {
        "nl": "Deze link werkt niet",
        "en": "This link does not work",
        "tr": "Bu bağlantı çalışmıyor",
        "ar": "هذا الرابط لا يعمل",
        "pl": "Ten link nie działa",
    },
    "link.why": {
        "nl": "Met deze link kunt u uw zaak niet (meer) bekijken. De link is misschien "
        "verlopen of ingetrokken, of niet helemaal goed overgenomen. Daarom laten we niets "
        "van uw zaak zien.",
        "en": "This link no longer opens your case. It may have expired or been withdrawn, "
        "or it was not copied completely. That is why we show nothing of your case.",
        "tr": "Bu bağlantıyla dosyanızı artık göremezsiniz. Bağlantının süresi dolmuş, "
        "bağlantı iptal edilmiş ya da eksik kopyalanmış olabilir. Bu yüzden dosyanızdan "
        "hiçbir şey göstermiyoruz.",
        "ar": "لم يعد بإمكانكم فتح ملفكم بهذا الرابط. ربما انتهت صلاحية الرابط أو تم إلغاؤه، أو لم يُنسخ بالكامل. لذلك لا نعرض أي شيء من ملفكم.",
        "pl": "Za pomocą tego linku nie można (już) zobaczyć sprawy. Link mógł wygasnąć, "
        "zostać wycofany albo nie został skopiowany w całości. Dlatego nie pokazujemy "
        "niczego z Pana/Pani sprawy.",
    },
    "link.what": {
        "nl": "Wat kunt u doen?",
        "en": "What can you do?",
        "tr": "Ne yapabilirsiniz?",
        "ar": "ماذا يمكنكم أن تفعلوا؟",
        "pl": "Co można zrobić?",
    },
    "link.call": {
        "nl": "Bel ons op {phone} (werkdagen van 9 tot 17 uur). Wij helpen u verder.",
        "en": "Call us on {phone} (working days, 9 am to 5 pm). We will help you.",
        "tr": "Bizi {phone} numarasından arayın (iş günleri, 09.00 ile 17.00 arası). "
        "Size yardım ederiz.",
        "ar": "اتصلوا بنا على الرقم {phone} (أيام العمل من 9:00 حتى 17:00). سنساعدكم.",
        "pl": "Proszę zadzwonić pod numer {phone} (w dni robocze od 9 do 17). Pomożemy.",
    },
    "link.new": {
        "nl": "Vraag om een nieuwe link. Die sturen we naar het telefoonnummer of e-mailadres "
        "dat u ons gaf.",
        "en": "Ask for a new link. We send it to the phone number or e-mail address you gave us.",
        "tr": "Yeni bir bağlantı isteyin. Onu bize verdiğiniz telefon numarasına veya e-posta "
        "adresine göndeririz.",
        "ar": "اطلبوا رابطاً جديداً. سنرسله إلى رقم الهاتف أو البريد الإلكتروني الذي أعطيتمونا إياه.",
        "pl": "Proszę poprosić o nowy link. Wyślemy go na podany nam numer telefonu lub adres "
        "e-mail.",
    },
    "link.message": {
        "nl": "Heeft u een nieuwer bericht van ons? Gebruik dan de link in dat bericht.",
        "en": "Do you have a newer message from us? Then use the link in that message.",
        "tr": "Bizden daha yeni bir mesajınız var mı? O zaman o mesajdaki bağlantıyı kullanın.",
        "ar": "هل لديكم رسالة أحدث منا؟ استخدموا الرابط الموجود في تلك الرسالة.",
        "pl": "Czy ma Pan/Pani nowszą wiadomość od nas? Proszę użyć linku z tej wiadomości.",
    },
    # ---------------------------------------------------------------- talk to a person
    "talk.title": {
        "nl": "Ik wil iemand spreken",
        "en": "I want to talk to a person",
        "tr": "Biriyle konuşmak istiyorum",
        "ar": "أريد التحدث مع شخص",
        "pl": "Chcę porozmawiać z człowiekiem",
    },
    "talk.intro": {
        "nl": "Een medewerker neemt contact met u op. U hoeft uw verhaal niet opnieuw te "
        "vertellen: de medewerker leest uw zaak.",
        "en": "Someone from our team will contact you. You do not have to tell your story "
        "again: they read your case.",
        "tr": "Bir çalışanımız sizinle iletişime geçecek. Her şeyi yeniden anlatmanız "
        "gerekmez: çalışanımız dosyanızı okur.",
        "ar": "سيتصل بكم أحد الموظفين. لا تحتاجون إلى رواية قصتكم مرة أخرى: فالموظف يقرأ ملفكم.",
        "pl": "Skontaktuje się z Panem/Panią nasz pracownik. Nie trzeba opowiadać wszystkiego od nowa: pracownik przeczyta akta sprawy.",
    },
    "talk.channel": {
        "nl": "Hoe wilt u praten?",
        "en": "How would you like to talk?",
        "tr": "Nasıl görüşmek istersiniz?",
        "ar": "كيف تريدون أن تتحدثوا؟",
        "pl": "Jak chce Pan/Pani rozmawiać?",
    },
    "talk.channel.phone": {
        "nl": "Telefoon: wij bellen u",
        "en": "Phone: we call you",
        "tr": "Telefon: biz sizi ararız",
        "ar": "الهاتف: نتصل بكم نحن",
        "pl": "Telefon: zadzwonimy do Pana/Pani",
    },
    "talk.channel.video": {
        "nl": "Beeldbellen: u ziet de medewerker op uw scherm",
        "en": "Video call: you see the person on your screen",
        "tr": "Görüntülü arama: çalışanı ekranınızda görürsünüz",
        "ar": "مكالمة فيديو: ترون الموظف على شاشتكم",
        "pl": "Rozmowa wideo: widzi Pan/Pani pracownika na ekranie",
    },
    "talk.channel.desk": {
        "nl": "Aan de balie: u komt langs op een afspraak",
        "en": "At the desk: you come by appointment",
        "tr": "Gişede: randevuyla gelirsiniz",
        "ar": "في المكتب: تأتون بموعد",
        "pl": "W okienku: przychodzi Pan/Pani na umówioną wizytę",
    },
    "talk.channel.chat": {
        "nl": "Chatten: u typt met een medewerker",
        "en": "Chat: you type with a person",
        "tr": "Sohbet: bir çalışanla yazışırsınız",
        "ar": "الدردشة: تكتبون مع موظف",
        "pl": "Czat: pisze Pan/Pani z pracownikiem",
    },
    "talk.time": {
        "nl": "Wanneer komt het u het beste uit?",
        "en": "When suits you best?",
        "tr": "Size en uygun zaman ne zaman?",
        "ar": "ما هو الوقت الأنسب لكم؟",
        "pl": "Kiedy Panu/Pani najbardziej pasuje?",
    },
    "talk.time.as_soon_as_possible": {
        "nl": "Zo snel mogelijk",
        "en": "As soon as possible",
        "tr": "Mümkün olan en kısa sürede",
        "ar": "في أقرب وقت ممكن",
        "pl": "Jak najszybciej",
    },
    "talk.time.morning": {
        "nl": "In de ochtend (9 tot 12 uur)",
        "en": "In the morning (9 am to 12 noon)",
        "tr": "Sabah (09.00 ile 12.00 arası)",
        "ar": "في الصباح (من 9:00 حتى 12:00)",
        "pl": "Rano (od 9 do 12)",
    },
    "talk.time.afternoon": {
        "nl": "In de middag (12 tot 17 uur)",
        "en": "In the afternoon (12 noon to 5 pm)",
        "tr": "Öğleden sonra (12.00 ile 17.00 arası)",
        "ar": "بعد الظهر (من 12:00 حتى 17:00)",
        "pl": "Po południu (od 12 do 17)",
    },
    "talk.time.evening": {
        "nl": "In de avond (17 tot 20 uur)",
        "en": "In the evening (5 pm to 8 pm)",
        "tr": "Akşam (17.00 ile 20.00 arası)",
        "ar": "في المساء (من 17:00 حتى 20:00)",
        "pl": "Wieczorem (od 17 do 20)",
    },
    "talk.time_note": {
        "nl": "Wij bellen en chatten op werkdagen.",
        "en": "We call and chat on working days.",
        "tr": "İş günlerinde arar ve yazışırız.",
        "ar": "نتصل بكم ونتحدث معكم عبر الدردشة في أيام العمل.",
        "pl": "Dzwonimy i piszemy w dni robocze.",
    },
    "talk.send": {
        "nl": "Vraag een gesprek aan",
        "en": "Ask for a conversation",
        "tr": "Görüşme isteyin",
        "ar": "طلب محادثة",
        "pl": "Poproś o rozmowę",
    },
    "talk.channel_missing": {
        "nl": "Kies hoe u wilt praten.",
        "en": "Choose how you would like to talk.",
        "tr": "Nasıl görüşmek istediğinizi seçin.",
        "ar": "اختاروا كيف تريدون أن تتحدثوا.",
        "pl": "Proszę wybrać, jak chce Pan/Pani rozmawiać.",
    },
    "talk.error_summary": {
        "nl": "Er is iets niet goed ingevuld",
        "en": "Something is not filled in correctly",
        "tr": "Bir şey doğru doldurulmadı",
        "ar": "هناك شيء لم يُملأ بشكل صحيح",
        "pl": "Coś nie zostało poprawnie wypełnione",
    },
    "talk.failed": {
        "nl": "Uw vraag is niet verstuurd. Probeer het opnieuw of bel {phone}.",
        "en": "Your request was not sent. Please try again or call {phone}.",
        "tr": "İsteğiniz gönderilmedi. Lütfen tekrar deneyin veya {phone} numarasını arayın.",
        "ar": "لم يتم إرسال طلبكم. يرجى المحاولة مرة أخرى أو الاتصال على {phone}.",
        "pl": "Prośba nie została wysłana. Proszę spróbować ponownie lub zadzwonić: {phone}.",
    },
    "talk.done_title": {
        "nl": "Uw vraag is ontvangen",
        "en": "We have received your request",
        "tr": "İsteğinizi aldık",
        "ar": "تلقينا طلبكم",
        "pl": "Otrzymaliśmy prośbę",
    },
    "talk.answer_by": {
        "nl": "Een medewerker neemt uiterlijk {date} om {time} uur contact met u op.",
        "en": "Someone from our team will contact you by {date} at {time}.",
        "tr": "Bir çalışanımız sizinle en geç şu zamana kadar iletişime geçecek: {date}, "
        "saat {time}.",
        "ar": "سيتواصل معكم أحد الموظفين في موعد أقصاه {date} الساعة {time}.",
        "pl": "Pracownik skontaktuje się z Panem/Panią najpóźniej {date} o godzinie {time}.",
    },
    "talk.how": {
        "nl": "U koos: {channel}, {time}.",
        "en": "You chose: {channel}, {time}.",
        "tr": "Seçiminiz: {channel}, {time}.",
        "ar": "اخترتم: {channel}، {time}.",
        "pl": "Wybrano: {channel}, {time}.",
    },
    "talk.already": {
        "nl": "U had dit al eerder gevraagd. Die vraag staat nog; u hoeft niets te doen.",
        "en": "You had asked for this before. That request still stands; you need do nothing.",
        "tr": "Bunu daha önce istemiştiniz. O istek hâlâ geçerli; bir şey yapmanıza gerek yok.",
        "ar": "لقد طلبتم هذا من قبل. ما زال ذلك الطلب قائماً؛ لا تحتاجون إلى فعل أي شيء.",
        "pl": "Ta prośba została już wysłana wcześniej i jest nadal aktualna; nie trzeba nic "
        "robić.",
    },
    "talk.meanwhile": {
        "nl": "Is het dringend? Bel dan {phone}.",
        "en": "Is it urgent? Then call {phone}.",
        "tr": "Acil mi? O zaman {phone} numarasını arayın.",
        "ar": "هل الأمر عاجل؟ اتصلوا إذن على {phone}.",
        "pl": "Czy to pilne? Proszę zadzwonić: {phone}.",
    },
    "talk.back_to_status": {
        "nl": "Terug naar uw zaak",
        "en": "Back to your case",
        "tr": "Dosyanıza dönün",
        "ar": "العودة إلى ملفكم",
        "pl": "Powrót do sprawy",
    },
    "talk.back_to_intake": {
        "nl": "Verder met uw vragenlijst",
        "en": "Continue with your questions",
        "tr": "Sorulara devam edin",
        "ar": "متابعة الإجابة عن الأسئلة",
        "pl": "Wróć do pytań",
    },
    "talk.now_title": {
        "nl": "Iemand spreken kan meteen",
        "en": "You can talk to someone right away",
        "tr": "Hemen biriyle konuşabilirsiniz",
        "ar": "يمكنكم التحدث مع شخص فوراً",
        "pl": "Z pracownikiem można porozmawiać od razu",
    },
    "talk.now_phone": {
        "nl": "Bel {phone}, op werkdagen van 9 tot 17 uur.",
        "en": "Call {phone}, on working days from 9 am to 5 pm.",
        "tr": "İş günlerinde 09.00 ile 17.00 arası {phone} numarasını arayın.",
        "ar": "اتصلوا على {phone}، في أيام العمل من 9:00 حتى 17:00.",
        "pl": "Proszę zadzwonić pod numer {phone}, w dni robocze od 9 do 17.",
    },
    "talk.now_desk": {
        "nl": "Of kom langs bij de balie van uw gemeente. Neem een identiteitsbewijs mee.",
        "en": "Or come to the desk of your municipality (gemeente). Bring proof of identity.",
        "tr": "Ya da belediyenizin (gemeente) gişesine gelin. Kimlik belgenizi getirin.",
        "ar": "أو تعالوا إلى مكتب البلدية (gemeente) التي تسكنون فيها. أحضروا معكم إثبات الهوية.",
        "pl": "Można też przyjść do okienka w urzędzie gminy (gemeente). Proszę zabrać "
        "dokument tożsamości.",
    },
    "talk.now_start": {
        "nl": "Wilt u dat wij u terugbellen? Begin dan eerst met een paar vragen. Daarna kunt "
        "u hier een gesprek aanvragen.",
        "en": "Would you like us to call you back? Then start with a few questions first. "
        "After that you can ask for a conversation here.",
        "tr": "Sizi geri aramamızı ister misiniz? O zaman önce birkaç soruyu yanıtlayın. "
        "Ardından buradan görüşme isteyebilirsiniz.",
        "ar": "هل تريدون أن نعاود الاتصال بكم؟ ابدأوا أولاً بالإجابة عن بعض الأسئلة. بعد ذلك يمكنكم طلب محادثة من هنا.",
        "pl": "Chce Pan/Pani, żebyśmy oddzwonili? Najpierw proszę odpowiedzieć na kilka "
        "pytań. Potem można tu poprosić o rozmowę.",
    },
    "talk.start": {
        "nl": "Begin met de vragen",
        "en": "Start with the questions",
        "tr": "Sorulara başlayın",
        "ar": "البدء بالأسئلة",
        "pl": "Zacznij od pytań",
    },
}
"""Every text of the status and talk pages, by key, in every citizen language."""

language_of: Final = known_language
"""A citizen language as given, else Dutch (`portal.i18n.known_language`)."""


def word(key: str, language: str, **values: str) -> str:
    """The text `key` in `language` (Dutch for an unknown language), with `values` filled in.

    An unknown key raises `KeyError`: a page must not show a code to a citizen."""
    text = WORDS[key][language_of(language)]
    return text.format(**values) if values else text


def clock_time(moment: datetime) -> str:
    """The time of day in the Netherlands, 24-hour ("17:00")."""
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def local_day(moment: datetime) -> date:
    """The day in the Netherlands on which `moment` falls."""
    return moment.astimezone(AMSTERDAM).date()


def say_word(key: str, **values: str) -> rx.Var[str]:
    """The text `key` in the session's language as the page shows it (follows the picker),
    with `values` filled in (fixed for the deployment, such as the help line's number)."""
    texts = {lang: text.format(**values) if values else text for lang, text in WORDS[key].items()}
    return in_session_language(texts)


def in_every_language(key: str, **values: str) -> dict[str, str]:
    """The text `key` in all five languages, filled in (to hold in state and `say` later)."""
    return {lang: word(key, lang, **values) for lang in LANGUAGES}
