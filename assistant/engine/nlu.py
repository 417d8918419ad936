"""Reading a customer message: order IDs, emails, yes/no, references and the intent.

Entity extraction is rules (order IDs and emails have exact formats); the intent comes
from the classifier trained on the labelled set (``assistant/engine/classifier.py``).

Customers write in English, Spanish, German and French. The word rules below that decide
an action (yes/no, withdrawals, negated cancellations, tracking words, requests for a
person) carry each language's forms, matched on the message in lower case without accents
(``fold_accents``), so "sí"/"si", "über"/"uber" and "annulée"/"annulee" read alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.engine.classifier import classify_intent, fold_accents
from orders.domain import find_order_ids

_BARE_NUMBER = re.compile(r"(?<![\w.,$€£-])(\d{3,6})(?![\w.,%])")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

_WORD = re.compile(r"[a-z0-9']+")
# Smart quotes and dashes from phones and word processors, as plain ones.
_PLAIN_PUNCTUATION = str.maketrans("’‘“”–—", "''\"\"--")

_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ya",
    "yea",
    "yes.",
    "sure",
    "ok",
    "okay",
    "k",
    "correct",
    "confirm",
    "confirmed",
    "affirmative",
    "absolutely",
    "definitely",
    # es / de / fr ("si" only as a short reply: see _SI_REPLY)
    "si",
    "sip",
    "claro",
    "vale",
    "dale",
    "adelante",
    "correcto",
    "exacto",
    "confirmo",
    "ja",
    "jawohl",
    "jep",
    "jup",
    "klar",
    "genau",
    "richtig",
    "stimmt",
    "gerne",
    "einverstanden",
    "bestatige",
    "oui",
    "ouais",
    "ouai",
    "ouep",
    "d'accord",
    "daccord",
    "dac",
    "exactement",
    "absolument",
    "confirme",
}
_YES_PHRASES = ("go ahead", "do it", "that's right", "thats right", "that is right", "please do", "yes please")
# A yes in more than one word, at the start of the message.
_YES_START = re.compile(
    r"^\W*(?:de acuerdo|claro que si|por supuesto|desde luego|hazlo|na klar|auf jeden fall|mach das|machen sie das"
    r"|bien sur|tout a fait|allez-y|allez y|vas-y|vas y|c'est (?:bien )?ca|je confirme|ich bestatige|lo confirmo)\b"
)
# "si" is "yes" in Spanish but "if" in Spanish and French: it affirms only alone, with its
# accent ("sí"), before a pause ("si, ...") or before the words of a yes ("si por favor").
_SI_REPLY = re.compile(
    r"^\W*(?:sí|si(?:\s*,?\s*si)*\s*(?:$|[,.!;:]|\s+(?:por favor|porfa|claro|gracias|adelante|vale|dale|hazlo|cancel\w*"
    r"|anul\w*|confirm\w*|seguro|exacto|correcto|senor|eso|perfecto|merci|s'il vous plait|svp)\b))"
)
_NO = {"no", "n", "nope", "nah", "don't", "dont", "nein", "non", "nee", "noo"}
# "no me ha llegado", "no encuentro mi pedido": Spanish puts "no" before the verb, so after
# these words it negates a sentence and is no answer to our question.
_SPANISH_VERB_AFTER_NO = set(
    "me te se nos lo la los las le les ha han he has hay es esta estan estoy era fue puedo puede pueden encuentro encuentra"
    " tengo tiene tienen veo llega llego llegan llegaron funciona funcionan aparece sale salio recibi recibo entiendo sabia".split()
)
_NO_PHRASES = (
    "never mind",
    "nevermind",
    "forget it",
    "don't cancel",
    "dont cancel",
    "do not cancel",
    "changed my mind",
    "keep it",
    "keep the order",
    "no thanks",
    "no thank you",
    "not that one",
    "wrong order",
    "leave it",
    # es / de / fr
    "no gracias",
    "no, gracias",
    "nein danke",
    "nein, danke",
    "non merci",
    "non, merci",
)
# Words that take a request back, whatever was asked: the pending request closes.
_WITHDRAWAL = re.compile(
    r"\b(?:never\s*mind(?: (?:about )?(?:the|my|that) (?:cancell?ation|order|request))?|nvm|forget (?:it|about it|that|this|the (?:whole )?(?:thing|cancell?ation|request))"
    r"|scratch that|changed? (?:my|of) mind|change of plans?|(?:i'?ll|i will|i'?d rather|i want to|let me) keep (?:it|them|the order|my order)"
    r"|keep (?:it|the order|my order)\b(?! (?:coming|going))|leave it(?: be| as it is)?|don'?t bother|no need|not any ?more"
    r"|hold off|i'?m good|all good|no(?:,)? (?:thanks|thank you))\b"
    r"|^\s*(?:stop|no|nope|nah|cancel that|abort)[\s!.]*$"
    # Spanish: "olvidalo", "dejalo asi", "no hace falta", "mejor no", "ya no", "cambie de opinion", "me lo quedo"
    r"|\b(?:olvid(?:alo|elo|enlo|ate)|(?:dejalo|dejelo|dejenlo|dejemoslo) (?:asi|como esta|estar)|no importa|da igual"
    r"|no hace falta|no es necesario|(?:he cambiado|cambie|cambio) de (?:opinion|idea)"
    r"|(?:me|nos) (?:lo|la|los|las) (?:quedo|quedamos)|no,? gracias)\b"
    r"|^\W*(?:no,?\s+)?(?:pues\s+)?(?:mejor\s+)?(?:dejalo|dejelo|dejenlo|dejemoslo)\b|^\W*(?:no,?\s+|pues\s+)?mejor no\b"
    r"|\bmejor no[\s!.]*$|^\W*(?:no,?\s+)?ya no(?:,?\s+gracias)?[\s!.]*$"
    # German: "vergiss es", "schon gut", "hat sich erledigt", "anders ueberlegt", "ich behalte sie",
    # "doch nicht", "lieber nicht" (alone, first or last: "doch nicht" also means "not ... after all")
    r"|\b(?:vergiss (?:es|das|die \w+)|vergessen sie (?:es|das|die \w+)|schon gut|hat sich erledigt|anders uberlegt"
    r"|ich behalte (?:sie|es|ihn|die bestellung|das)|behalte (?:sie|es|ihn) doch|nicht (?:mehr )?notig|nein,? danke"
    r"|lass(?:en sie)? (?:es|das) (?:sein|lieber|bleiben))\b"
    r"|^\W*(?:(?:ach|nee|nein|hm+|also|oh|ok)[\s,]+)?(?:doch|lieber|besser|doch lieber) nicht\b"
    r"|\b(?:doch|lieber|besser) nicht(?:\s+mehr)?[\s!.]*$"
    # French: "laisse tomber", "oubliez", "tant pis", "pas la peine", "finalement non", "j'ai change d'avis",
    # "je la garde"
    r"|\b(?:laisse[sz]? tomber|oubliez(?:-| )(?:ca|cela|le|la|tout)|tant pis|pas la peine|pas besoin|finalement,? non"
    r"|non,? finalement|chang\w* d'avis|je (?:la|le|les) garde|je garde (?:la|ma) commande|non,? merci)\b"
    r"|^\W*(?:non,?\s+|bon,?\s+)?oublie[zr]?(?:[- ](?:ca|cela|le|la|tout))?[\s!.]*$"
    # Alone: "para", "basta", "egal", "stopp", "arretez", "nein", "non"
    r"|^\s*(?:para|basta|alto|da igual|egal|stopp?|halt|arrete[sz]?|nein|nee|non|nan)[\s!.]*$",
    re.IGNORECASE,
)
# A cancellation word, in the languages customers mix in.
_CANCEL_WORD = (
    r"(?:cancel\w*|cancle\w*|canel\w*|cancell\w*|call(?:ing)? (?:it |the order |them )?off|scrap|abort|stornier\w*|storno"
    r"|annul\w*|anul\w*|ruckgangig)"
)
_CANCEL_VERB = re.compile(r"\b" + _CANCEL_WORD, re.IGNORECASE)
# "don't cancel", "I do NOT want to cancel", "no need to cancel", "without cancelling":
# a negation, then at most three of the small words that can stand between it and the verb
# (a comma or any other word breaks the chain: "don't worry, cancel it" is a request).
_NEGATION = (
    r"(?:don'?t|do not|dont|doesn'?t|does not|didn'?t|did not|not|never|no need to|no reason to|no longer"
    r"|won'?t|wouldn'?t|shouldn'?t|mustn'?t|without|nicht|kein\w*|ne pas|pas)"
)
_GAP = (
    r"(?:want|wanna|need|wish|like|have|to|please|pls|actually|really|go|ahead|and|you|u|i|it|that|this|the|my|"
    r"order|yet|just|even|try|trying|going|gonna|plan|planning|intend|mean|meant|ask|asked|asking|said|say|dare|"
    r"be|get|any|anything|them|yourself)"
)
# The same in Spanish, German and French, each with its own small words. Spanish and French
# chains take only their own forms of the verb ("no cancel" and "plus cancel" stay English).
_CANCEL_WORD_ES = (
    r"(?:cancel(?:a|e|o)(?:r|n|s|d|mos|do|da|dos|das|ndo)?(?:lo|la|los|las|me|nos|le|les)?\b|cancelacion\w*|anul\w*)"
)
_GAP_ES = (
    r"(?:lo|la|los|las|le|les|me|se|nos|quiero|queremos|quisiera|quiere|deseo|necesito|necesitamos|hace|falta|hay|que"
    r"|es|necesario|voy|vamos|va|a|ya|el|mi|pedido|orden|compra|por|favor|usted|ustedes|mas|todavia|aun|vaya|vayas"
    r"|vayan|pienso|debe|deben|tienes|tiene|tienen)"
)
# ("bitte" is left out: "brauche ich nicht mehr bitte stornieren" asks to cancel)
_GAP_DE = (
    r"(?:mehr|die|den|das|dem|der|meine|meinen|meiner|bestellung|auftrag|sie|es|ihn|doch|lieber|besser|jetzt"
    r"|gleich|noch|erstmal|vorerst|ich|wir|will|mochte|mochten|wollte|wollen|muss|mussen|brauche|brauchen|zu|einfach"
    r"|mal|mir|uns|also|dann|bloss)"
)
# Between the verb and a "nicht" after it: objects and adverbs only ("stornieren Sie es bitte nicht"),
# so that "bitte stornieren ich brauche es nicht mehr" stays a request.
_GAP_DE_AFTER = (
    r"(?:sie|es|ihn|die|den|das|meine|meinen|bestellung|auftrag|bitte|doch|jetzt|noch|erstmal|vorerst|lieber|besser"
    r"|mal|einfach|also|dann|will ich|mochte ich|wollen wir)"
)
_CANCEL_WORD_FR = r"(?:annul\w*)"
_GAP_FR = (
    r"(?:la|le|les|ma|mon|mes|commande|du|tout|encore|vraiment|besoin|de|peine|envie|question|maintenant|finalement"
    r"|je|veux|voudrais|souhaite|faut|il|vous|me|que|surtout)"
)
_NEGATED_CANCEL = re.compile(
    "|".join(
        (
            rf"\b{_NEGATION}(?:\s+{_GAP}){{0,3}}\s+{_CANCEL_WORD}",
            # "no lo cancele", "no quiero cancelar", "no hace falta anularlo", "sin cancelar"
            rf"\b(?:no|sin|nunca|tampoco)(?:\s+{_GAP_ES}){{0,4}}\s+{_CANCEL_WORD_ES}",
            # "nicht stornieren", "doch nicht mehr stornieren", "keine Stornierung"
            rf"\b(?:nicht|kein\w*|nie)(?:\s+{_GAP_DE}){{0,4}}\s+{_CANCEL_WORD}",
            # German puts the "nicht" after the verb: "stornieren Sie die Bestellung bitte nicht"
            rf"\b{_CANCEL_WORD}(?:\s+{_GAP_DE_AFTER}){{0,4}}\s+nicht\b",
            # "ne l'annulez pas", "n'annulez pas", "je ne veux plus l'annuler", "pas besoin d'annuler", "annule pas"
            rf"\bn(?:e\s+|')(?:l'|l\s+|la\s+|le\s+|les\s+|me\s+|m'|nous\s+|lui\s+)?{_CANCEL_WORD_FR}",
            rf"\b(?:pas|plus|jamais)(?:\s+{_GAP_FR}){{0,3}}\s+(?:d'|l')?{_CANCEL_WORD_FR}",
            rf"\b{_CANCEL_WORD_FR}\s+(?:la\s+|le\s+|les\s+)?pas\b",
        )
    ),
    re.IGNORECASE,
)
# Return, exchange, refund or change requests: never a cancellation by themselves.
_REQUEST_KINDS = (
    (
        "refund",
        re.compile(
            r"\b(?:refund\w*|money back|reimburs\w*|charge ?back|my money"
            r"|reembols\w*|devolucion del dinero|devuelvan (?:el|mi) dinero|mi dinero|erstatt\w*|ruckerstatt\w*"
            r"|geld zuruck|mein geld|rembours\w*|mon argent)\b",
            re.I,
        ),
    ),
    (
        "exchange",
        re.compile(
            r"\b(?:exchang\w*|swap\w*|replac\w*|different (?:size|colou?r|model|one)"
            r"|cambiar(?:lo|la|los|las)? por|cambio (?:de|por) (?:talla|color|otr[oa])|otra talla|otro (?:color|modelo|tamano)"
            r"|canje\w*|reemplaz\w*|umtausch\w*|umzutauschen|austausch\w*|auszutauschen|andere (?:grosse|farbe|modell)"
            r"|echang\w*|remplac\w*|autre (?:taille|couleur|modele))\b",
            re.I,
        ),
    ),
    (
        "return",
        re.compile(
            r"\b(?:return\w*|send (?:it |them |this |these |the \w+ )?back|ship (?:it |them )?back"
            r"|devolver\w*|devuelv\w*|devolucion\w*|zuruck(?:schick|send|geb)\w*|zuruckzu(?:schicken|senden|geben)"
            r"|rucksend\w*|ruckgabe\w*|retour\w*|retourn\w*|renvoy\w*)\b",
            re.I,
        ),
    ),
    (
        "change",
        re.compile(
            r"\b(?:chang\w*|modif\w*|edit\w*|amend\w*)\b(?:\s+\S+){0,5}?\s+"
            r"(?:order|address|item|items|size|colou?r|quantity|product|shipping|delivery|name|phone)\b"
            r"|\b(?:updat\w*|correct\w*|fix)\s+(?:the\s+|my\s+)?(?:shipping\s+|delivery\s+)?address\b"
            r"|\b(?:add|remove|take off|take out)\b(?:\s+\S+){0,5}?\s+(?:to|from|in|on|item|items|product|products|order)\b"
            r"|\btake\b(?:\s+\S+){1,3}?\s+(?:out of|off)\s+(?:my\s+|the\s+|this\s+)?order\b"
            # es: "cambiar la direccion del pedido", "anadir una botella a mi pedido"
            r"|\b(?:cambi\w*|modific\w*|edit\w*|correg\w*|corrij\w*|actualiz\w*)\b(?:\s+\S+){0,5}?\s+"
            r"(?:pedido|direccion|talla|color|cantidad|producto|articulo|envio|nombre|telefono)\b"
            r"|\b(?:anadir|agregar|quitar|eliminar|sacar)\b(?:\s+\S+){0,5}?\s+(?:al|del|en|de|a)\s+(?:mi\s+|el\s+|este\s+)?pedido\b"
            # de: "die Adresse meiner Bestellung aendern", "noch eine Flasche zur Bestellung hinzufuegen"
            r"|\b(?:adresse|lieferadresse|anschrift|bestellung|grosse|farbe|menge|anzahl|artikel|name|telefonnummer|hausnummer"
            r"|postleitzahl)\b(?:\s+\S+){0,5}?\s+(?:andern|abandern|umandern|anpassen|korrigieren|aktualisieren)\b"
            r"|\b(?:andern|anderung\w*|abander\w*|umander\w*|korrigier\w*)\b(?:\s+\S+){0,5}?\s+(?:adresse|lieferadresse|anschrift|bestellung|grosse"
            r"|farbe|menge|anzahl)\b"
            r"|\b(?:bestellung|auftrag)\b(?:\s+\S+){0,6}?\s+(?:hinzufugen|entfernen|herausnehmen|rausnehmen)\b"
            # fr: "changer l'adresse de ma commande", "ajouter une gourde a ma commande"
            r"|\b(?:chang\w*|modifi\w*|corrig\w*)\b(?:\s+\S+){0,5}?\s+(?:l'|d')?"
            r"(?:commande|adresse|taille|couleur|quantite|article|produit|livraison|nom|telephone)\b"
            r"|\b(?:ajouter|retirer|enlever|supprimer)\b(?:\s+\S+){0,5}?\s+(?:a|de|dans)\s+(?:ma\s+|la\s+|cette\s+)?commande\b",
            re.I,
        ),
    ),
)
# "the first one", "the other one", "both of them": an order among those mentioned.
_ORDER_REFERENCE = re.compile(
    r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|last|latter|former|other|previous|earlier)\s+(?:one|order|ones|orders)\b"
    r"|\bthe\s+(other|latter|former)\b"
    r"|\b(both)(?:\s+(?:of\s+them|orders|of\s+the\s+orders))?\b",
    re.IGNORECASE,
)
# The same in Spanish, German and French ("el primero", "den anderen", "la derniere commande",
# "los dos"), with an order word or at the end of a phrase ("la otra talla" is no order).
_ORDER_REFERENCE_ES_DE_FR = re.compile(
    r"\b(?:el|la)\s+(primer[oa]?|segund[oa]|tercer[oa]?|ultim[oa]|otr[oa])(?:\s+(?:pedido|orden|compra)\b|\s*(?=$|[,.!?]|\s+y\b))"
    r"|\b(ambos|ambas|los dos)(?:\s+pedidos)?\s*(?=$|[,.!?])"
    r"|\b(?:die|den|das)\s+(erste|ersten|zweite|zweiten|dritte|dritten|letzte|letzten|andere|anderen)"
    r"(?:\s+(?:bestellung|auftrag)\b|\s*(?=$|[,.!?]|\s+und\b))"
    r"|\b(beide|alle beide)(?:\s+bestellungen)?\s*(?=$|[,.!?])"
    r"|\b(?:la|le)\s+(premiere?|deuxieme|seconde?|troisieme|derniere?)(?:\s+commande\b|\s*(?=$|[,.!?]|\s+et\b))"
    r"|\b(?:l')(autre)(?:\s+commande\b|\s*(?=$|[,.!?]|\s+et\b))"
    r"|\b(les deux)(?:\s+commandes)?\s*(?=$|[,.!?])",
    re.IGNORECASE,
)
_REFERENCE_WORDS = {
    "first": ("primer", "primero", "primera", "erste", "ersten", "premier", "premiere"),
    "second": ("segundo", "segunda", "zweite", "zweiten", "deuxieme", "second", "seconde"),
    "third": ("tercer", "tercero", "tercera", "dritte", "dritten", "troisieme"),
    "last": ("ultimo", "ultima", "letzte", "letzten", "dernier", "derniere"),
    "other": ("otro", "otra", "andere", "anderen", "autre"),
    "both": ("ambos", "ambas", "los dos", "beide", "alle beide", "les deux"),
}
_REFERENCE_BY_WORD = {word: reference for reference, words in _REFERENCE_WORDS.items() for word in words}
_MENTIONS_EMAIL = re.compile(
    r"\b(e-?mail|mail address|address|correo|courriel|adresse|mailadresse|e-?mail-?adresse|(?:mon|le|par|por|mi|per) mail)\b",
    re.IGNORECASE,
)
_TRACK_CUE = re.compile(
    r"\b(where|when|track\w*|status|arriv\w*|ship(?:ped|ping)?|deliver\w*|eta|dispatch\w*"
    # es / de / fr
    r"|donde|dnd|cuando|seguimiento|rastre\w*|estado|llega\w*|enviad[oa]s?|enviaron|entreg\w*|en camino"
    r"|wo|wann|sendungsverfolgung|verfolg\w*|geliefert|zugestellt|zustell\w*|versandt|versendet|verschickt|unterwegs"
    r"|ankomm\w*|kommt|ou (?:est|et|en est|en et|se trouve)|quand|suivi|suivre|statut|livre[es]?|expedi\w*|envoye\w*"
    r"|en route)\b",
    re.IGNORECASE,
)
_PERSON = r"(?:human|human being|person|real person|real human|agent|live agent|representative|rep|someone|somebody|operator|manager|supervisor|staff|colleague)"
_WANTS_HUMAN = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put)\w*\s+(?:me\s+)?(?:to|with|through to)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s+|real\s+)?"
    + _PERSON
    + r"|\b(?:want(?:ed)?|need(?:ed)?|get|give me|request(?:ed)?|ask(?:ed|ing)? for)\s+(?:to\s+(?:talk|speak)\s+to\s+)?(?:a\s+|an\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|representative)\b"
    r"|\b(?:real person|live agent|actual person|human being|human agent)\b"
    r"|\b(?:an?\s+)?(?:real\s+)?(?:human|person|agent|representative)\s+(?:again\s+)?(?:please|pls|plz|now)\b"
    r"|^\s*(?:an?\s+)?(?:agent|operator|representative|human|person)(?:\s+please|\s+pls|\s+now)?[\s!.]*$"
    r"|\bcustomer (?:service|support) (?:agent|representative|rep|person)\b"
    # es: "hablar con una persona", "pasame con un agente", "un humano por favor"
    r"|\b(?:hablar|comunicarme|hable|chatear)\s+con\s+(?:una?\s+|el\s+|alguien\s+)?(?:persona|humano|agente|operador|asesor"
    r"|empleado|alguien|encargado|responsable)\b"
    r"|\b(?:quiero|necesito|pasame|paseme|paseme con|pasame con|ponme con|pongame con)\s+(?:con\s+)?(?:una?\s+)?"
    r"(?:persona|humano|agente|operador|asesor)\b"
    r"|\b(?:una persona real|persona de verdad|agente humano)\b|^\s*(?:una?\s+)?(?:humano|agente|operador|persona)"
    r"(?:\s+por favor|\s+ya)?[\s!.]*$"
    # de: "mit einem Mitarbeiter sprechen", "einen echten Menschen bitte"
    r"|\b(?:mit\s+)?(?:einem|einer)\s+(?:echten\s+|richtigen\s+)?(?:menschen|mitarbeiter(?:in)?|person|berater(?:in)?"
    r"|kundenberater(?:in)?|kundendienst)\s+(?:sprechen|reden|verbinden|chatten)\b"
    r"|\b(?:will|mochte|brauche)\s+(?:einen|eine|mit einem|mit einer)\s+(?:echten\s+)?(?:menschen|mitarbeiter\w*|berater\w*)\b"
    r"|\b(?:echte[nrs]? (?:mensch\w*|person|mitarbeiter\w*)|menschliche[nr]? (?:mitarbeiter\w*|ansprechpartner\w*))\b"
    # fr: "parler a un conseiller", "un humain svp"
    r"|\b(?:parler|discuter)\s+(?:a|avec)\s+(?:quelqu'un|(?:un(?:e)?\s+|le\s+|la\s+)(?:vrai(?:e)?\s+)?(?:humain|personne"
    r"|conseiller\w*|agent|operateur\w*|service client|responsable))"
    r"|\b(?:une vraie personne|un vrai humain|un etre humain|conseiller humain)\b"
    r"|^\s*(?:un(?:e)?\s+)?(?:humain|conseiller|conseillere|agent)(?:\s+svp|\s+s'il vous plait)?[\s!.]*$",
    re.IGNORECASE,
)
# "are you a real person?", "am I talking to a human?": a question about the assistant,
# not a request for a person.
_ASKS_WHAT_IT_IS = re.compile(
    r"^\s*(?:(?:so|wait|hey|hi|hello|hmm+|ok|okay)[,!.]?\s+)?(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?(?:real|actual|human|person|bot|robot|ai|machine|chat ?bot|live)\b"
    r"|\b(?:am i|are we)\s+(?:talking|speaking|chatting)\s+(?:to|with)\s+(?:an?\s+)?(?:real\s+|actual\s+)?(?:human|person|bot|robot|machine|ai|computer)\b[^.!]*\?\s*$"
    r"|\bwho\s+(?:am i|are we)\s+(?:talking|speaking|chatting)\s+(?:to|with)\b|^\s*who(?:'s| is)\s+(?:this|there)\b"
    # es / de / fr: "eres un robot?", "bist du ein echter Mensch?", "vous etes une vraie personne ?"
    r"|^\W*(?:(?:hola|oye|hallo|bonjour|salut|ok)[,!.]?\s+)?(?:eres|es usted|bist du|sind sie|es-tu|tu es|t'es|etes-vous"
    r"|vous etes)\s+(?:un|una|ein|eine|einen|une)?\s*(?:echte[rn]?\s+|vrai(?:e)?\s+)?(?:robot|bot|chatbot|persona|humano|humana"
    r"|maquina|ia|ki|mensch|person|maschine|computer|humain|personne|machine|ordinateur)\b"
    r"|\b(?:estoy hablando con|hablo con|spreche ich mit|rede ich mit|chatte ich mit|je parle (?:a|avec))\s+"
    r"(?:un|una|einem|einer|une)?\s*(?:robot|bot|persona|humano|maquina|menschen|maschine|person|humain|personne|machine)\b"
    r"[^.!]*\?\s*$",
    re.IGNORECASE,
)
# A short question that continues the last topic: "what about the smartwatch?", "and germany?",
# "how about in blue?". The group is what changes.
_FOLLOW_UP = re.compile(
    r"^\s*(?:(?:ok|okay|and|but|so|hmm+)[,]?\s+)?(?:what|how)\s*(?:'s|\s+is)?\s+about\s+(?:the\s+|a\s+|an\s+|in\s+|for\s+|to\s+)?(.{2,40}?)\s*[?.!]*\s*$"
    r"|^\s*and\s+(?:the\s+|for\s+the\s+|for\s+|to\s+|in\s+)?(.{2,40}?)\s*\?+\s*$"
    # "¿y el reloj?", "und die Uhr?", "et la montre ?", "y a Mexico?", "und nach Oesterreich?"
    r"|^\s*¿?\s*(?:y|und|et)\s+(?:el\s+|la\s+|los\s+|las\s+|die\s+|der\s+|das\s+|den\s+|le\s+|les\s+|l'|en\s+|a\s+"
    r"|para\s+|in\s+|nach\s+|fur\s+|für\s+|pour\s+)?(.{2,40}?)\s*\?+\s*$",
    re.IGNORECASE,
)
# Questions that continue a tracking answer: "what carrier is it with?", "when will it arrive?".
_TRACKING_FOLLOW_UP = re.compile(
    r"\b(?:carrier|courier|shipping company|delivery company|tracking (?:number|code|link|id)|which (?:company|service)"
    r"|shipped (?:with|by|via)|deliver(?:ed|ing)? (?:it|by|with)|when (?:will|does|should|is) it (?:arrive|come|get here|be delivered|be here)"
    r"|what time will it|eta"
    # es / de / fr
    r"|transportista|mensajeria|paqueteria|numero de seguimiento|codigo de seguimiento|enlace de seguimiento"
    r"|paketdienst|versanddienst\w*|zusteller|sendungsnummer|tracking-?nummer|tracking-?link"
    r"|transporteur|numero de suivi|lien de suivi|code de suivi"
    r"|cuando (?:llega|llegara|me llega)|wann kommt (?:es|sie|das paket)|quand (?:est-ce qu'il|arrive|arrivera))\b",
    re.IGNORECASE,
)
# An acknowledgement before the real message: "ok, and ...", "thanks! now ...".
_LEADING_ACK = re.compile(
    r"^\s*(?:ok(?:ay)?|nice|great|cool|thanks|thank you|thx|perfect|awesome|alright|got it|i see|hmm+"
    r"|vale|gracias|genial|perfecto|de acuerdo|danke|super|prima|alles klar|merci|parfait|d'accord|tr[eè]s bien)\b"
    r"[\s,.!]+(?:and|now|also|so|y|ahora|und|jetzt|noch|et|maintenant|aussi)?\s*",
    re.IGNORECASE,
)
# Words of anger and despair that, with shouting and "!!!", mark an upset customer.
_UPSET_WORDS = re.compile(
    r"\b(ridiculous|unacceptable|worst|terrible|horrible|awful|useless|pathetic|disgusting|furious|angry|livid|"
    r"scam|scammers|fraud|rip ?off|lawyer|sue|complaint|disgrace|joke|fed up|sick of|wtf|damn|hell|crap|"
    r"shit|fuck\w*|bullshit|stupid|idiot\w*|incompetent|never again|third time|still nothing|"
    # es / de / fr
    r"inaceptable|vergonzoso|verguenza|estafa\w*|pesimo|mierda|unverschamt\w*|frechheit|betrug|betruger\w*|katastrophe"
    r"|scheisse|inadmissible|inacceptable|arnaque\w*|escroc\w*|scandaleux|honteux|merde)\b",
    re.IGNORECASE,
)
UPSET_THRESHOLD = 3


def upset_score(text: str) -> int:
    """A small heuristic: angry words count 2 each, shouting 2, each run of "!!"/"??" 1."""
    score = 2 * len(_UPSET_WORDS.findall(fold_accents(text)))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        score += 2
    score += len(re.findall(r"[!?]{2,}", text))
    return score


_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|yo|greetings"
    r"|hola|buenas|buenos dias|buenas (?:tardes|noches)|hallo|guten (?:morgen|tag|abend)|moin|servus|gruss gott|gruezi"
    r"|bonjour|bonsoir|salut|coucou)"
    r"(\s+(there|all|team|everyone|guys|folks|again|buenas|a todos|zusammen|moin|a tous|tout le monde))?\b[\s!.,:)(😊🙂👋]*$",
    re.I,
)
_THANKS = re.compile(
    r"\b(thanks|thank you|thx|ty|cheers|much appreciated|appreciate it"
    r"|gracias|te lo agradezco|se lo agradezco|danke\w*|vielen dank|merci|je vous remercie)\b",
    re.I,
)
_BYE = re.compile(
    r"^\s*(bye|goodbye|see you|see ya|that's all|thats all|nothing else|have a good day"
    r"|adios|hasta (?:luego|pronto|manana)|chao|chau|nos vemos|eso es todo|nada mas|tschuss|tschau|auf wiedersehen"
    r"|bis (?:dann|spater|bald)|das war'?s|schonen tag|au revoir|a plus(?:\s+tard)?(?=[\s!.]*$)|a bientot|bonne (?:journee|soiree)|c'est tout)\b",
    re.I,
)


@dataclass(frozen=True)
class Understanding:
    text: str
    normalized: str
    order_ids: tuple[str, ...] = ()
    malformed_order_ids: tuple[str, ...] = ()
    bare_numbers: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    intent: str = "other"
    intent_confidence: float = 0.0
    affirmative: bool = False
    negative: bool = False
    greeting: bool = False
    thanks: bool = False
    goodbye: bool = False
    wants_human: bool = False
    upset: bool = False
    words: tuple[str, ...] = field(default_factory=tuple)
    # The message words a cancellation ("cancel", "call it off"), and does not negate it.
    cancel_worded: bool = False
    # "don't cancel", "I do NOT want to cancel", "no need to cancel".
    cancel_negated: bool = False
    # "never mind", "forget it", "stop", "I'll keep it": takes a pending request back.
    withdrawal: bool = False
    # return / exchange / refund / change, when the message asks for one of them.
    request_kind: str = ""
    # "first", "second", "last", "other", "both": an order among those mentioned.
    order_reference: str = ""
    mentions_email: bool = False
    # Words of tracking ("where", "when", "status"), for a request that follows a withdrawal.
    track_cue: bool = False
    # What the customer asks about their own order: order_info ("what did I order?"),
    # delivery (late, damaged, missing), complaint; "" for none of these.
    order_topic: str = ""
    # "are you a bot?", "who am I talking to?": small talk, never a request for a person.
    asks_what_it_is: bool = False
    # The new subject of a short follow-up question ("the smartwatch" in "what about the smartwatch?").
    follow_up: str = ""
    # "what carrier is it with?", "when will it arrive?": about the order just tracked.
    tracking_follow_up: bool = False


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PLAIN_PUNCTUATION)
    return re.sub(r"\s+", " ", text).strip()


# Words that take a yes back: "claro que no", "stimmt nicht", "oui, mais pas maintenant"; but
# "yes, no problem", "ja, kein Problem", "oui, pas de souci" are still a yes.
_NEGATION_WORDS = set("no not don't dont never nicht kein keine nie pas non nein nunca jamais".split())
_NO_PROBLEM = re.compile(
    r"\b(?:no|not a|kein|keine|ningun|sin|pas de|no hay) (?:problems?|problemas?|probleme?|prob|worries|soucis?)\b"
)


def _is_affirmative(words: list[str], folded: str, lowered: str, *, negative: bool) -> bool:
    """A clear yes; ``folded`` is the message in lower case without accents, ``lowered`` with them."""
    # A question is never a confirmation: "do you ship to Canada?" must not cancel anything.
    if folded.rstrip().endswith("?") or negative:
        return False
    if any(phrase in folded for phrase in _YES_PHRASES) or _YES_START.match(folded):
        return True
    if not words or words[0] not in _YES or len(words) > 8:
        return False
    if _NEGATION_WORDS.intersection(_WORD.findall(_NO_PROBLEM.sub(" ", folded))[1:]):
        return False
    return words[0] != "si" or bool(_SI_REPLY.match(lowered))


def _is_negative(words: list[str], folded: str, *, cancel_negated: bool = False) -> bool:
    if any(phrase in folded for phrase in _NO_PHRASES):
        return True
    if cancel_negated and len(words) <= 6:
        return True  # "no lo cancele", "doch nicht stornieren", "ne l'annulez pas"
    if not words or words[0] not in _NO or len(words) > 6:
        return False
    # "no me ha llegado", "no encuentro mi pedido": the Spanish "no" of a sentence, not an answer.
    spanish_sentence = words[0] == "no" and len(words) > 1 and words[1] in _SPANISH_VERB_AFTER_NO
    return not spanish_sentence or bool(re.match(r"^\W*no\s*[,.!;:]", folded))


# What an order question that is not a return, exchange, refund or change is about.
_ORDER_TOPICS = (
    (
        "order_info",
        re.compile(
            r"\b(?:what (?:did|have) i (?:order|buy|bought)|what(?:'s| is| was) in (?:my|the|this) (?:order|parcel|package)"
            r"|how much (?:did i pay|was (?:it|my order|the order))|what (?:items|products)|which items|when did i (?:order|place)"
            r"|(?:total|price) of (?:my|the) order"
            # es / de / fr
            r"|que (?:he )?(?:pedi|compre)|que (?:hay|habia|viene) en (?:mi|el) (?:pedido|paquete)|cuanto (?:pague|costo mi pedido)"
            r"|was (?:habe|hab) ich (?:bestellt|gekauft)|was ist in (?:meiner|der) (?:bestellung|paket)|wie ?viel (?:habe|hab) ich bezahlt"
            r"|qu'est-ce que j'ai (?:commande|achete)|qu'ai-je commande|ce que j'ai commande|combien j'ai paye)\b",
            re.I,
        ),
    ),
    (
        "delivery",
        re.compile(
            r"\b(?:late|overdue|delayed|damaged|broken|crushed|missing|never (?:got|received|arrived|came)|not (?:received|arrived)"
            r"|wrong (?:item|product|size|colou?r)|says (?:it was )?delivered|(?:hasn'?t|has not|haven'?t|didn'?t|did not) (?:come|arrived|shown up|turned up|been delivered)|still not here"
            # es / de / fr
            r"|no (?:me )?ha llegado|no (?:me )?llego|nunca (?:me )?llego|sigue sin llegar|retrasad\w*|con retraso|de retraso"
            r"|danad[oa]s?|rot[oa]s?|llego mal|(?:producto|articulo) equivocado|falta(?:n)? (?:un|una|algo)"
            r"|nicht angekommen|noch nicht (?:da|angekommen|geliefert)|verspat\w*|uberfallig|beschadigt|kaputt|fehlt"
            r"|falsche[nr]? artikel|pas (?:encore )?(?:recu|arrive)|jamais (?:recu|arrive)|rien recu|en retard|de retard"
            r"|abimee?s?|endommag\w*|cassee?s?|il manque|mauvais (?:article|produit))\b",
            re.I,
        ),
    ),
    (
        "complaint",
        re.compile(
            r"\b(?:complain\w*|complaint|not happy|unhappy|disappointed|terrible|awful|rude|worst"
            r"|queja|reclamacion|reclamar|beschwer\w*|reklamation|unzufrieden|enttauscht|plainte|reclamation|pas content|decu)\b",
            re.I,
        ),
    ),
)


def _order_topic(text: str) -> str:
    """``order_info``, ``delivery``, ``complaint`` or ``""``."""
    for topic, pattern in _ORDER_TOPICS:
        if pattern.search(text):
            return topic
    return ""


def _order_reference(text: str) -> str:
    match = _ORDER_REFERENCE.search(text)
    if not match:
        other = _ORDER_REFERENCE_ES_DE_FR.search(text)
        return _REFERENCE_BY_WORD.get(next(g for g in other.groups() if g).lower(), "") if other else ""
    word = next(g for g in match.groups() if g).lower()
    return {
        "1st": "first",
        "2nd": "second",
        "3rd": "third",
        "latter": "last",
        "former": "first",
        "previous": "other",
        "earlier": "other",
    }.get(word, word)


def _request_kind(text: str, *, withdrawal: bool) -> str:
    for kind, pattern in _REQUEST_KINDS:
        if kind == "change" and withdrawal:
            continue  # "I changed my mind" is not a change request
        if pattern.search(text):
            return kind
    return ""


def understand(text: str) -> Understanding:
    normalized = normalize(text)
    lowered = normalized.lower()
    # The word rules read the message without accents: "sí" and "si", "über" and "uber" alike.
    folded = fold_accents(lowered)
    words = _WORD.findall(folded)
    order_ids, malformed = find_order_ids(normalized)
    emails = tuple(dict.fromkeys(e.rstrip(".") for e in _EMAIL.findall(normalized)))
    without_emails = _EMAIL.sub(" ", normalized)
    bare = tuple(m.group(1) for m in _BARE_NUMBER.finditer(without_emails))
    # "nice. and can they connect to two devices?": the question is what is classified.
    rest = _LEADING_ACK.sub("", normalized, count=1)
    intent, confidence = classify_intent(rest if rest != normalized and len(rest.split()) >= 3 else normalized)
    asks_what_it_is = bool(_ASKS_WHAT_IT_IS.search(folded))
    follow_up_match = _FOLLOW_UP.match(lowered) if len(words) <= 7 else None
    follow_up = next((g for g in follow_up_match.groups() if g), "") if follow_up_match else ""
    cancel_negated = bool(_NEGATED_CANCEL.search(folded))
    withdrawal = bool(_WITHDRAWAL.search(folded))
    # Worded when some cancel word stands outside every negation ("don't track it, cancel it").
    cancel_worded = bool(_CANCEL_VERB.search(_WITHDRAWAL.sub(" ", _NEGATED_CANCEL.sub(" ", folded))))
    negative = _is_negative(words, folded, cancel_negated=cancel_negated)
    return Understanding(
        text=text,
        normalized=normalized,
        order_ids=tuple(order_ids),
        malformed_order_ids=tuple(malformed),
        bare_numbers=bare,
        emails=emails,
        intent=intent,
        intent_confidence=confidence,
        # Never a yes that also takes the request back or refuses the cancellation.
        affirmative=_is_affirmative(words, folded, lowered, negative=negative) and not (withdrawal or cancel_negated),
        negative=negative,
        greeting=bool(_GREETING.match(folded)),
        thanks=bool(_THANKS.search(folded)) and len(words) <= 8,
        goodbye=bool(_BYE.match(folded)),
        wants_human=bool(_WANTS_HUMAN.search(folded)) and not asks_what_it_is,
        upset=upset_score(normalized) >= UPSET_THRESHOLD,
        words=tuple(words),
        cancel_worded=cancel_worded,
        cancel_negated=cancel_negated,
        withdrawal=withdrawal,
        request_kind=_request_kind(folded, withdrawal=withdrawal),
        order_reference=_order_reference(folded),
        mentions_email=bool(_MENTIONS_EMAIL.search(folded)),
        track_cue=bool(_TRACK_CUE.search(folded)),
        order_topic=_order_topic(folded),
        asks_what_it_is=asks_what_it_is,
        follow_up=follow_up.strip(" ?.!"),
        tracking_follow_up=bool(_TRACKING_FOLLOW_UP.search(folded)) and len(words) <= 12,
    )
