"""The demo's article texts, in the project's own words, citing the library (editorial.demo.
library) with `[@key]` markers. Each says only what the works it cites report."""

ACHILLES_PRO = """\
Most mid-portion Achilles tendinopathy settles with **progressive tendon loading**, and a
structured loading programme is the first treatment to offer [@martin2018].

## Assessment

- The history and examination make the diagnosis: pain 2 to 6 cm above the insertion that
  began gradually, and tenderness of the mid-portion of the tendon [@martin2018].
- Tendinopathy is a failed healing response that moves along a continuum of pathology, not
  an inflammation; load is both the cause and the treatment [@cook2009].
- Ask about recent fluoroquinolone use, which is associated with Achilles tendon disorders
  [@vanderlinden2002].

## First-line care

- Offer mechanical loading, either eccentric calf training or heavy slow resistance training,
  at least twice a week within the patient's pain tolerance [@martin2018].
- Twelve weeks of heavy-load eccentric training returned recreational athletes to running in
  the original cohort [@alfredson1998]; heavy slow resistance training gave similar results
  in a randomised trial [@beyer2015].
- Running can usually continue. Patients who kept running and jumping under a
  pain-monitoring model, with pain that settled by the next morning, did as well as those who
  rested [@silbernagel2007].

## When progress stalls

- Reassess the diagnosis after three months of adherent loading, including insertional
  disease and partial rupture.
- Shock wave therapy gave results comparable to eccentric loading at four months, and both
  did better than waiting [@rompe2007].
- Injections add little: platelet-rich plasma was no better than saline when added to
  eccentric training [@devos2010], and a Cochrane review found too little evidence to draw
  conclusions on any injection therapy [@kearney2015]. Across tendinopathies, corticosteroid
  injections relieve pain for a few weeks but not in the longer term [@coombes2010].
"""

ACHILLES_STUDENT = """\
Mid-portion Achilles tendinopathy is pain and stiffness in the tendon 2 to 6 cm above the
heel. It is treated with **exercise that loads the tendon**, not with rest [@martin2018].

## Why loading works

The tendon is not inflamed. Its structure changes along a continuum when the load on it
outpaces its ability to adapt, and graded load helps it adapt again [@cook2009].

## The evidence

- Eccentric calf training for 12 weeks was the first programme to show good results
  [@alfredson1998]. Heavy slow resistance training works as well [@beyer2015].
- Continuing to run with a pain-monitoring model does not slow recovery
  [@silbernagel2007].
- For persistent symptoms, shock wave therapy is an option [@rompe2007]. Injections,
  platelet-rich plasma among them, did no better than placebo [@devos2010; @kearney2015].

Remember to ask about fluoroquinolone antibiotics, a known risk factor [@vanderlinden2002].
"""

ACHILLES_PATIENT = """\
Achilles tendon pain usually gets better with **the right kind of exercise**, done
regularly for about three months [@martin2018].

- Rest alone does not fix it. You can usually keep walking and even running, as long as the
  pain has calmed down by the next morning [@silbernagel2007].
- A physiotherapist will show you calf exercises, such as slow heel raises and heel drops on
  a step [@alfredson1998; @beyer2015]. Some discomfort while you do them is normal.
- Do not stop the exercises as soon as you feel better: the tendon needs time to get strong.
- Injections of your own blood platelets (PRP) have not been shown to help more than a salt
  water injection [@devos2010].
- If you took an antibiotic such as ciprofloxacin recently, tell your doctor: this group of
  medicines can affect tendons [@vanderlinden2002].

**See a doctor the same day** if you felt a sudden snap or kick at the back of your ankle and
now find it hard to walk: the tendon may have torn.
"""

FEVER_PRO = """\
Fever in a child is usually a sign of a self-limiting viral infection; the task is to find
the few children with a serious bacterial illness [@nice-ng143].

## Red flags needing same-day assessment

- Age under 3 months with a temperature of 38 °C or more.
- Pale, mottled, ashen or blue skin; a non-blanching rash; a child who does not wake or stay
  awake.
- Grunting, or a respiratory rate well above the age norm.
- Fever for five days or more, which also raises the question of Kawasaki disease
  [@nice-ng143; @mccrindle2017].

## Antipyretics

- Paracetamol or ibuprofen may be used for a child who is distressed, not to bring the
  temperature down for its own sake [@nice-ng143; @sullivan2011].
- Do not give both at the same time routinely [@nice-ng143]. Combining them gives more time
  without fever over a day [@hay2008], but comfort, not the thermometer, is the aim
  [@sullivan2011].
- Antipyretics do not prevent febrile seizures and should not be given for that purpose
  [@nice-ng143].
"""

FEVER_PATIENT = """\
Most fevers in children are caused by viruses and get better on their own [@nice-ng143].

**Get medical help the same day** if your child:

- is younger than 3 months and has a temperature of 38 °C or higher,
- has a rash that does not fade when you press a glass on it,
- is very sleepy, hard to wake, or breathing fast or with a grunting sound,
- has had a fever for five days or more.

You can give paracetamol or ibuprofen if your child is uncomfortable; you do not need to
bring the temperature down to normal [@sullivan2011]. Offer plenty of drinks.
"""

# Added in the second revision, now under review: it cites the retracted paper.
FEVER_VACCINES_PRO = """
## Fever after vaccination

A mild fever in the days after a vaccination is common and settles on its own. Parents may
ask about autism after the MMR vaccine: the concern began with a 1998 case series of 12
children [@wakefield1998]. A cohort of 657,461 Danish children found no increased risk of
autism after MMR vaccination [@hviid2019], and neither did a meta-analysis of more than a
million children [@taylor2014].
"""

FEVER_VACCINES_PATIENT = """
## Fever after a vaccination

A mild fever in the days after a vaccination is common and settles on its own. The MMR
vaccine does not cause autism: studies of more than a million children have shown this
[@hviid2019; @taylor2014].
"""

VITAMIN_D_PRO = """\
For community-dwelling older adults who are not vitamin D deficient, routine vitamin D
supplementation **does not reduce falls** and should not be offered for that purpose alone
[@uspstf2018-falls; @bolland2018].

- Correct documented deficiency, and consider supplementation in care-home residents and
  people with little sun exposure.
- Very large intermittent doses were associated with more falls, not fewer: an annual dose of
  500,000 IU increased falls and fractures in older women [@sanders2010].
- Exercise programmes that train balance and function reduce the rate of falls by about a
  quarter [@sherrington2019], and are recommended for older adults at increased risk of
  falling [@uspstf2018-falls].
"""

VITAMIN_D_STUDENT = """\
Vitamin D is often prescribed to prevent falls, but trials in older adults without a
deficiency have not shown a benefit [@bolland2018]. Large single yearly doses may even
increase falls [@sanders2010]. What works best is exercise that trains balance and strength
[@sherrington2019], combined with a review of medicines that cause dizziness.
"""

PLANTAR_PRO = """\
Plantar heel pain is usually plantar fasciopathy and responds to simple measures in most
people within a year.

- Plantar fascia-specific stretching and calf stretching several times a day.
- Cushioned footwear or prefabricated insoles; custom orthoses add little.
- Load management for standing and running.
"""
