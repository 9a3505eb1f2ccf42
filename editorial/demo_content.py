"""The demo's articles, in the project's own words. Used by `manage.py seed_demo`."""

ACHILLES_PRO = """\
Most mid-portion Achilles tendinopathy settles with **progressive tendon loading**, and a
structured loading programme should be the first treatment offered.

## First-line care

- Explain that tendon pain is a load problem: rest alone rarely helps, and complete
  unloading weakens the tendon further.
- Start an eccentric or heavy-slow-resistance calf programme and continue it for at least
  12 weeks; pain up to 3 or 4 out of 10 during exercise is acceptable if it settles by the
  next morning.
- Adjust running volume rather than stopping it; hills and speed work are reduced first.

## When progress stalls

- Reassess the diagnosis after three months of adherent loading, including insertional
  disease and partial rupture.
- Extracorporeal shock wave therapy is a reasonable adjunct for persistent symptoms.
- Avoid corticosteroid injection into or around the tendon because of the rupture risk.

## Pitfalls

- Stopping the programme early when pain first improves is the commonest cause of relapse.
- Fluoroquinolone use is a recognised risk factor and deserves a medication review.
"""

ACHILLES_PATIENT = """\
Achilles tendon pain usually gets better with **the right kind of exercise**, done
regularly for about three months.

- Keep moving, but cut back on the activities that make the pain worse the next day.
- Your physiotherapist will show you calf exercises. Some discomfort while you do them is
  normal if it has calmed down by the next morning.
- Do not stop the exercises as soon as you feel better: the tendon needs time to get strong.

Ask your doctor about other treatments if you are not improving after three months.
"""

FEVER_PRO = """\
Fever in a child is usually a sign of a self-limiting viral infection; the task is to find
the few children with a serious bacterial illness.

## Red flags needing same-day assessment

- Age under 3 months with a temperature of 38 °C or more.
- Pale, mottled or blue skin; a non-blanching rash; reduced consciousness.
- Signs of dehydration, grunting, or a respiratory rate well above the age norm.
- Fever lasting five days or more, which also raises the question of Kawasaki disease.

## Antipyretics

Paracetamol or ibuprofen may be used for distress, not to lower the number on the
thermometer. Do not give both at once routinely, and do not use them to prevent febrile
seizures.
"""

FEVER_PATIENT = """\
Most fevers in children are caused by viruses and get better on their own.

**Get medical help the same day** if your child:

- is younger than 3 months and has a temperature of 38 °C or higher,
- has a rash that does not fade when you press a glass on it,
- is very sleepy, hard to wake, or breathing fast or with a grunting sound,
- has had a fever for five days or more.

You can give paracetamol or ibuprofen if your child is uncomfortable. Offer plenty of drinks.
"""

VITAMIN_D_PRO = """\
For community-dwelling older adults who are not vitamin D deficient, routine vitamin D
supplementation **does not reduce falls** and should not be offered for that purpose alone.

- Correct documented deficiency, and consider supplementation in care-home residents and
  people with little sun exposure.
- Very large intermittent doses (for example an annual bolus) have been associated with
  more falls, not fewer.
- Exercise programmes that train balance and strength have the strongest evidence for
  preventing falls.
"""

VITAMIN_D_STUDENT = """\
Vitamin D is often prescribed to prevent falls, but trials in older adults without a
deficiency have not shown a benefit. Large single yearly doses may even increase falls.
What works best is exercise that trains balance and strength, combined with a review of
medicines that cause dizziness.
"""

PLANTAR_PRO = """\
Plantar heel pain is usually plantar fasciopathy and responds to simple measures in most
people within a year.

- Plantar fascia-specific stretching and calf stretching several times a day.
- Cushioned footwear or prefabricated insoles; custom orthoses add little.
- Load management for standing and running.
"""

ARTICLES = [
    {
        "slug": "achilles-tendinopathy-management",
        "title": "How should mid-portion Achilles tendinopathy be managed?",
        "topic": "Sports medicine",
        "bodies": {"professional": ACHILLES_PRO, "patient": ACHILLES_PATIENT},
        "state": "approved-published",
    },
    {
        "slug": "fever-in-children-when-to-worry",
        "title": "When is a fever in a child an emergency?",
        "topic": "Paediatrics",
        "bodies": {"professional": FEVER_PRO, "patient": FEVER_PATIENT},
        "state": "under-review-published",
    },
    {
        "slug": "vitamin-d-falls-older-adults",
        "title": "Does vitamin D prevent falls in older adults?",
        "topic": "Geriatrics",
        "bodies": {"professional": VITAMIN_D_PRO, "student": VITAMIN_D_STUDENT},
        "state": "submitted",
    },
    {
        "slug": "plantar-heel-pain-first-steps",
        "title": "What are the first steps for plantar heel pain?",
        "topic": "Sports medicine",
        "bodies": {"professional": PLANTAR_PRO},
        "state": "draft",
    },
]
