"""The demo atelier: seed 001 (RQDS, "Raviver nos couleurs !", 20 mai 2016),
its real notes grouped, voted and synthesised in the seed's four volets.
`facilitate demo` loads it so a newcomer sees every screen and every export;
the export tests check the renderers against the same document.

The texts are the seed's (../shared/seeds/001_*.txt); where the seed only
shows a count, e.g. "Communauté de pratiques(2)", the cluster's notes are the
same idea as written by different people. Notes are anonymous and time-stamped
one minute apart from 13 h 05 (Eastern Daylight Time).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from facilitate.export.document import (
    ExportAction,
    ExportBloc,
    ExportCluster,
    ExportNote,
    ExportVolet,
    ExportWorkshop,
)

_START = datetime(2016, 5, 20, 13, 5, tzinfo=timezone(timedelta(hours=-4)))
_minute = 0


def _note(text: str, column: str | None = None) -> ExportNote:
    global _minute
    _minute += 1
    at = (_START + timedelta(minutes=_minute)).isoformat()
    return ExportNote(text=text, author=None, column=column, created_at=at)


VOLETS = (
    ExportVolet(
        "Communications",
        (
            ExportAction(
                "Simplifier, clarifier le DS à l'intention du milieu municipal",
                "Agent ou boîte de communication, FRDSIM",
            ),
            ExportAction(
                "Redéfinir la notion de région en fonction du nouveau contexte de gouvernance",
                "Agent ou boîte de communication",
            ),
            ExportAction(
                "Faire rayonner le DS, les démarches, le RQDS, les outils (Plateforme, tableau-synthèse, "
                "vidéos, documentation, chroniques, OVSS, etc.)",
                "Agent ou boîte de communication, webmestre, réseaux sociaux, infolettre",
            ),
            ExportAction("Influencer le débat public pré-électoral", "Collectif"),
            ExportAction(
                "Monter des formations de base pour les élus municipaux et les administrations municipales "
                "(ex : responsables loisirs et vie communautaire)",
                "Communagir (Chantier)",
            ),
        ),
    ),
    ExportVolet(
        "Impacts",
        (
            ExportAction(
                "Colliger et diffuser des exemples concrets",
                "Agent ou boîte de communication, webmestre, réseaux sociaux, infolettre, COSMOSS",
            ),
            ExportAction(
                "Démontrer impacts, pertinence, maîtrise des enjeux, cohésion des secteurs, planification "
                "intégrée, effet de levier",
                "OEDC, TIESS (projet d'outil de mesure d'impact), PDS",
            ),
            ExportAction("Démontrer, évaluer par une recherche-action les impacts de l'intersectorialité", "?"),
        ),
    ),
    ExportVolet(
        "Reconnaissance",
        (
            ExportAction(
                "Poursuivre les ponts avec le MTESS pour positionner le DS comme pôle du DD et démontrer le "
                "rôle d'animation des démarches",
                "Cabinet, Direction MTESS, Norbert Rodrigue",
            ),
            ExportAction("Poursuivre le partenariat avec la FQM", "Maryse Drolet, V-P Yvon Soucy"),
            ExportAction(
                "Développer les collaborations avec l'UMQ", "Sylvie Pigeon, Michel Angers, V-P Gilles Lehouillier"
            ),
            ExportAction(
                "Formaliser les liens", "Comité RQDS-FQM-UMQ-MAMOT-MTESS?, Plan de transition? , Clément Bergeron"
            ),
            ExportAction("Élargir les alliés", "MELS, MAMOT, DSP, MFA, CAR, PM, etc."),
        ),
    ),
    ExportVolet(
        "Membres",
        (
            ExportAction("Accompagner les régions sans démarche", "Marrainage ?"),
            ExportAction("Consolider le réseau", "Bailleurs de fonds pour agent de liaison"),
        ),
    ),
)

BLOC1 = ExportBloc(
    number=1,
    title="Bilan croisé des acquis",
    kind="brainstorm",
    prompt="Les fiertés, acquis, réussites, expertises et forces du RQDS aujourd’hui (palette de couleurs).",
    loose_notes=tuple(
        _note(text)
        for text in (
            "Défense des intérêts collectifs, actions utiles pour l’humain, les individus, développement du "
            "potentiel et collectif",
            "Passion, engagement, ouverture, appartenance au réseau",
            "Désir d’apprendre, capacité de se remettre en question, capacité d’adaptation",
            "Tisseurs de liens internes et externes",
            "Réseau d’échange, communauté de pratiques, mémoire collective, capacité de recul (vision "
            "d’ensemble partagée), source de référence, espace permettant la résilience",
            "Compréhension claire du DS, connaissance des organismes du DS et des enjeux, maîtrise des enjeux "
            "sociaux, connaissance des avantages et impacts du DS, capacité de l’expliquer (vulgarisation de "
            "l’info, communication), connaissance opérationnelle des mécaniques de développement, acteurs à "
            "l’aise dans la complexité",
            "Agents rassembleurs, catalyseurs, maîtrise du partenariat, de l’intersectorialité, forte habileté "
            "à mobiliser, concerter, savoir-être avec différents types d’interlocuteurs, points de convergence",
            "Début de chemin vers la reconnaissance du DS",
        )
    ),
)

MISER = "Acquis, forces, expertises sur lesquelles miser"
PROTEGER = "À protéger, à préserver, et qui nous distingue"
MAITRISE = (
    "Maîtrise des enjeux spécifiques et locaux en contexte de mouvance, enjeux et thématiques diversifiés, "
    "de chaque territoire et leurs subtilités."
)

BLOC2 = ExportBloc(
    number=2,
    title="Travail collectif – les couleurs fondamentales du RQDS",
    kind="columns",
    prompt="Résultat des travaux de réflexion en sous-groupe",
    columns=(MISER, PROTEGER),
    clusters=(
        ExportCluster(
            MAITRISE,
            (
                _note("Maîtrise des enjeux spécifiques et locaux en contexte de mouvance", MISER),
                _note("Enjeux et thématiques diversifiés", MISER),
                _note("Maîtrise des enjeux de chaque territoire et leurs subtilités", MISER),
            ),
            column=MISER,
        ),
        ExportCluster(
            "Communauté de pratiques",
            (_note("Communauté de pratiques", MISER), _note("Notre communauté de pratiques", MISER)),
            column=MISER,
        ),
        ExportCluster(
            "Humain au cœur",
            (_note("Humain au cœur", PROTEGER), _note("L'humain au cœur de nos actions", PROTEGER)),
            column=PROTEGER,
        ),
        ExportCluster(
            "Diversité des régions et des territoires",
            (_note("Diversité des régions", PROTEGER), _note("Diversité des territoires", PROTEGER)),
            column=PROTEGER,
        ),
    ),
    loose_notes=tuple(
        _note(text, MISER)
        for text in (
            "Polyvalence intersectorielle",
            "Expertise opérationnelle (processus et stratégique)",
            "Être une référence",
            "Être reconnu formellement",
            "Travail sur des changements structurants et durables",
            "Acteur de changement",
            "Engagement, vocation (folie!)",
            "Inclusion des absents",
            "Capacité d’adaptation",
            "Capacité d’influence et plaidoirie (acteur crédible)",
            "Outils de communication et stratégies (internes et externes)",
            "Promotion du réseau, sa mission et le DS",
            "Historique et ancrage",
            "Communauté de pratique",
            "Reconnaissance, incorporation du CA",
        )
    )
    + tuple(
        _note(text, PROTEGER)
        for text in (
            "Leadership partagé",
            "Approche collective",
            "Maîtrise des enjeux sociaux et des processus de mobilisation",
            "S’attaque à des enjeux complexes et transversaux",
            "Maintien d’une solidarité",
            "Résilience",
            "Ancrages régionaux et locaux",
            "Maillage, réseautage",
            "Accès à l’information (vulgarisation)",
            "Partage d’expertise et des pratiques",
            "Solidarité",
            "Lien de confiance",
            "Authenticité et ouverture et désir de travailler avec d’autres cultures organisationnelles",
            "Respect des particularités régionales",
            "Passion, communauté de pratique",
            "Pérennité de la liaison des régions avec le réseau",
        )
    ),
    fondamentaux=(
        "Humain au cœur",
        "Particularités régionales",
        "Solidarité",
        "Communauté de pratique",
        "Maîtrise des enjeux et des processus",
        "Espace rassembleur (convergence d'enjeux)",
        "Passion, engagement",
    ),
)

POSITIFS = "Fondamentaux positifs"
NEGATIFS = "Fondamentaux négatifs"

BLOC4 = ExportBloc(
    number=4,
    title="Travail collectif - Fondamentaux du contexte desquels il faut tenir compte",
    kind="columns",
    prompt="",
    columns=(POSITIFS, NEGATIFS),
    loose_notes=tuple(
        _note(text, POSITIFS)
        for text in (
            "Approche territoriale (gouvernance de proximité, élus)",
            "Leaders locaux (reconnaître leur position et montrer la pertinence du DS)",
            "Prendre en compte l'administration municipale aussi (pas seulement les élus : fonctionnaires "
            "administratifs - personnel plus stable, responsables de l'adoption de politiques, etc.)",
            "Nous adapter aux cadres de référence des différents interlocuteurs (et chercher à mieux les saisir)",
            "Miser sur notre approche rassembleuse",
            "Reconnaissance du pouvoir décisionnel des élus dans les territoires et leur montrer que nous sommes "
            "là pour les aider à prendre de meilleures décisions",
            "Alliés CISSS et CIUSSS",
            "Légitimité des démarches DS (démarches entreprises, ayant historique et acquis en termes de "
            "concertation et arrimage, etc.)",
        )
    )
    + tuple(
        _note(text, NEGATIFS)
        for text in (
            "Risque que le SACAIS et MTESS ne reconnaissent pas les démarches de développement social",
            "Non-reconnaissance du développement social comme pilier du D. Durable",
        )
    ),
)

QUESTIONS: dict[str, tuple[str, ...]] = {
    "Comment mieux utiliser nos couleurs sur cette toile en mouvance?": (
        "Rester connectés",
        "Influencer",
        "Faire partie de la solution",
        "Forces : mémoires collectives, convictions",
        "Faire rayonner le RQDS, ses outils et les démarches",
        "Rester connectés et faire circuler l'information",
        "Opportunité de positionnement (se montrer comme une solution à la désorganisation régionale)",
        "Continuer à utiliser nos forces (résilience, solidarité, mémoire collective, etc.)",
        "Communication interne et externe : primordiale",
        "Comme la notion de région se perd et se transforme, le RQDS doit clarifier son discours, s'adapter "
        "aux nouvelles réalités territoriales.",
        "Partage d'informations, demeurer connectés.",
    ),
    "Comment s'adapter, se réactualiser, se réaffirmer?": (
        "En développant des liens avec les autres réseaux sectoriels : les connaître, s'arrimer, travailler avec eux.",
        "Adapter nos communications à ceux et celles qu'on rencontre",
        "Communication stratégiques et prises de paroles (revendications?, mieux affirmer nos couleurs "
        "politiques? Influence)",
        "Faire connaître nos outils, documentations, nous démontrer comme des leviers importants du DS",
        "Jouer un rôle d'agent de liaison entre les différentes stratégies ou secteurs d'activité et les "
        "différents acteurs",
        "Positionner le DS comme pilier important du développement durable",
        "S'inspirer d'ailleurs (Europe par exemple)",
        "Stratégie de communication, en influençant, développer présence sur les réseaux sociaux",
        "Comité DS de la FQM",
    ),
    "Comment réduire nos vulnérabilités et fragilités et reprendre du contrôle?": (
        "Continuer l'action, être proactif",
        "S'associer avec les élus qui y croient",
        "Continuer le partenariat amorcé avec la FQM",
        "Utiliser nos leviers de DS pour fomenteur une cohésion des leviers afin de permettre le développement local",
        "Multiplier les bailleurs de fonds",
        "Consolider le réseau, accompagner les régions qui sont dépourvues de démarches",
        "Élargir les collaborations et partenariats auprès de plusieurs ministères (MESS, MELs, MAMOT, DSP, "
        "MFA, FQM, UMQ, CAR régionales, bureau du premier ministre, etc.",
        "Développement de partenariats avec la FQM et UMAQ.",
    ),
    "Que faut-il saisir comme nouvelles opportunités?": (
        "Aider à éduquer, formaliser les liens avec FQM et UMQ",
        "DS = effet de levier pour les élus, permet la cohésion des leviers.",
        "Ouverture de nos réseaux (AE, QeF, FLAC, etc.",
        "Approcher la direction du DS au bureau du PM",
        "Maintenir un bon contact avec le MTESS",
        "Formation de base pour les anciens et nouveaux élus",
        "Formation aux directions des loisirs et vie communautaire dans les municipalités",
        "Profiter de la campagne pré-électorale municipale et provinciale",
        "APPRENDRE sur la réalité municipale (continuer à nous former nous aussi pour comprendre le "
        "langage/préoccupations de nos interlocuteurs)",
        "Municipalités : formaliser les liens, faire sortir les aspects positifs de nos démarches, s'ouvrir "
        "aux collaborations et on se positionner en confrontation, créer de nouveaux ponts",
        "Poursuivre nos liens avec le MTESS et FQM",
        "Organisation de veille et de soutien stratégique (formaliser)",
        "Communauté de pratiques en développement des territoires du TIESS",
        "TIESS : projet de développement d'un outil de mesure d'impact.",
        "Politique municipale en DS, liens avec l'implantation des processus d'octroi du FDT",
        "Élections municipales à venir (positionnement à aller chercher...)",
        "Lien le plus proche du citoyen, société civile.",
    ),
    "Comment incarner encore mieux notre vision?": (
        "Sortir des concepts et démontrer des exemples concrets qui font ressortir l'intersectorialité, le "
        "travail sur plusieurs thématiques, une planification intégrée (arrimage)",
        "mesure d'impact : important!",
        "Se questionner sur la pertinence pour le Réseau d'influencer le débat public pré-électoral",
        "3e plan de lutte : démontrer le rôle des démarches (animation et accompagnateur) : s'assurer du "
        "soutien et reconnaissance du MTESS",
        "Redéfinir la notion de région en fonction du nouveau contexte de gouvernance, avoir un discours "
        "clair, le simplifier et clarifier à l'intention de l'organisation municipale (plan de communication "
        "spécifique pour le milieu municipal, élus comme fonctionnaires).",
        "Utiliser la recherche : Évaluation d'impact : aidera à clarifier le discours par des exemples "
        "concrets d'impacts par l'intersectorialité",
    ),
}

BLOC5 = ExportBloc(
    number=5,
    title="Travail collectif : s'adapter pour être tournés vers l'avenir",
    kind="questions",
    prompt="",
    columns=tuple(QUESTIONS),
    loose_notes=tuple(_note(text, question) for question, texts in QUESTIONS.items() for text in texts),
)

SEED001 = ExportWorkshop(
    title="Raviver nos couleurs !",
    event="Activité printanière du RQDS",
    date="2016-05-20",
    facilitator_name="Sonia Racine",
    organisation="Communagir",
    volets=VOLETS,
    blocs=(BLOC1, BLOC2, BLOC4, BLOC5),
)


def seed001() -> ExportWorkshop:
    """The seed-001 atelier, ready for the renderers."""
    return SEED001


# -- as an atelier in the database ------------------------------------------------

DEMO_PARTICIPANTS = 12
DEMO_VOTE_BUDGET = 5


def demo_archive() -> dict:
    """Seed 001 as an archive (see facilitate.archive): every bloc closed,
    bloc 2 voted by twelve participants (a fixed draw, so the demo is the same
    every time)."""
    import random

    from facilitate.services.archive import ARCHIVE_FORMAT, ARCHIVE_VERSION

    doc = SEED001
    participants = [{"ref": 1, "name": doc.facilitator_name, "role": "facilitator"}]
    participants += [
        {"ref": i + 2, "name": f"Participant·e {i + 1}", "role": "participant"} for i in range(DEMO_PARTICIPANTS)
    ]
    blocs, clusters, notes, votes = [], [], [], []
    rng = random.Random(2016)
    for bloc_ref, bloc in enumerate(doc.blocs, start=1):
        column_id = {label: f"c{i + 1}" for i, label in enumerate(bloc.columns)}
        blocs.append(
            {
                "ref": bloc_ref,
                "title": bloc.title,
                "kind": bloc.kind.value,
                "prompt": bloc.prompt,
                "columns": [{"id": column_id[label], "label": label} for label in bloc.columns],
                "vote_budget": DEMO_VOTE_BUDGET,
                "phase": "clos",
                "fondamentaux": bool(bloc.fondamentaux),
                "retained": list(bloc.fondamentaux) or None,
            }
        )

        def add_note(note: ExportNote, cluster_ref: int | None) -> None:
            author = 2 + len(notes) % DEMO_PARTICIPANTS
            notes.append(
                {
                    "ref": len(notes) + 1,
                    "bloc": bloc_ref,  # noqa: B023 (add_note runs within this iteration)
                    "column": column_id.get(note.column or ""),  # noqa: B023
                    "cluster": cluster_ref,
                    "author": author,
                    "text": note.text,
                    "created_at": note.created_at,
                    "updated_at": note.created_at,
                }
            )

        for cluster in bloc.clusters:
            clusters.append(
                {
                    "ref": len(clusters) + 1,
                    "bloc": bloc_ref,  # noqa: B023 (add_note runs within this iteration)
                    "label": cluster.label,
                    "column": column_id.get(cluster.column or ""),
                }
            )
            for note in cluster.notes:
                add_note(note, len(clusters))
        for note in bloc.loose_notes:
            add_note(note, None)
        if bloc.clusters:
            items = [f"c{c['ref']}" for c in clusters if c["bloc"] == bloc_ref]
            for participant in participants[1:]:
                for item in rng.sample(items, rng.randint(1, min(DEMO_VOTE_BUDGET, len(items)))):
                    votes.append({"participant": participant["ref"], "bloc": bloc_ref, "item": item, "dots": 1})
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "workshop": {
            "title": doc.title,
            "event": doc.event,
            "date": doc.date,
            "facilitator_name": doc.facilitator_name,
            "organisation": doc.organisation,
            "template": "raviver-nos-couleurs",
            "current_bloc": len(blocs),
        },
        "participants": participants,
        "blocs": blocs,
        "clusters": clusters,
        "notes": notes,
        "votes": votes,
        "synthesis": [
            {"title": v.title, "actions": [{"text": a.text, "soutien": a.soutien} for a in v.actions]}
            for v in doc.volets
        ],
    }
