"""The publications that parameter defaults and calibration targets rest on.

Parameters name a key of ``SOURCES`` (or ``"assumption"``) in their metadata; ``docs/ODD.md`` prints
the full reference next to each parameter.
"""

SOURCES: dict[str, str] = {
    "assumption": "assumption (no published figure; vary it in sensitivity analysis)",
    "ILO2005": "ILO, A Global Alliance Against Forced Labour (2005): $31.6 billion profits, "
    "about $13,000 per trafficked forced labourer per year",
    "ILO2014": "ILO, Profits and Poverty: The Economics of Forced Labour (2014): $21,800 per victim "
    "of forced sexual exploitation per year, $34,800 in developed economies",
    "ILO2012": "ILO Global Estimate of Forced Labour (2012): 4.2 per 1,000 inhabitants in Central and "
    "South-Eastern Europe and the CIS",
    "UNODC2010": "UNODC, The Globalization of Crime (2010): about 140,000 victims in Europe, inflow "
    "about 70,000 a year, 84% sexual exploitation; origins 32% Balkans, 19% former Soviet Union",
    "IOM2006": "IOM, Human Trafficking Survey: Belarus, Bulgaria, Moldova, Romania and Ukraine (December 2006): "
    "about 225,000 victims from the five countries; about 117,000 Ukrainians since 1991 (IOM, as reported by the "
    "Associated Press, 19 February 2007)",
    "HRW2002": "Human Rights Watch, Hopes Betrayed (2002): 35 of 36 victims migrated voluntarily for "
    "work; debts of DM 1,500-5,000 per woman; trafficked women in Bosnia reported about 70% of their clients "
    "local and 30% international (expatriate civilians, contractors and soldiers together: a share of clients, "
    "not of spending, and not the troops' own); as many as 2,000 women and girls in Bosnian brothels (NGO estimate)",
    "AI2004": "Amnesty International, Kosovo: 'So does it mean that we have the rights?' (2004): "
    "international staff about 20% of clients",
    "NATO2004": "NATO Policy on Combating Trafficking in Human Beings, Istanbul summit, June 2004 "
    "(zero tolerance, binding on troops of member and partner states; it gives the date of the ban, no figure of "
    "compliance)",
    "BELL2018": "Bell, Flynn & Martinez Machain, 'U.N. Peacekeeping Forces and the Demand for Sex "
    "Trafficking', International Studies Quarterly 62(3), 2018: the size of a U.N. peacekeeping mission raises the "
    "probability that the host country is cited as a destination for forced prostitution (2001-2011; no rate of "
    "patronage per soldier)",
    "TROOPS": "Published strengths of the NATO and EU forces in Bosnia and Kosovo. SFOR (Bosnia): about 20,000 "
    "from December 1999, against 32,000 before (SFOR commander, Hina, 2 November 1999); 18,400 in December 2001 "
    "(American Forces Press Service, 17 December 2001); 16,000 in 2002 (NATO SFOR factsheet, January 2004); about "
    "11,900 cut to about 7,000 by June 2004 (NATO Update, 17 December 2003). EUFOR Althea (from December 2004): "
    "about 7,000, 6,500 in December 2006 (CRS RS21774), about 2,500 from 2007 (EUFOR), about 2,200 in 2008 "
    "(Reuters, October 2008), about 650 in the 2010s (B2 Bruxelles2). KFOR (Kosovo): about 50,000 in 1999; 42,500 "
    "in December 2000 with 7,500 of them in North Macedonia, Albania and Greece (planken.org Balkans archive); "
    "39,000 in Kosovo and 2,150 in North Macedonia in December 2001 (American Forces Press Service); 18,000 in "
    "March 2004 (RFE/RL); 16,000 in February 2006 (dpa); 13,800 in June 2009 (NATO, as reported by Reuters); "
    "10,000 from January 2010 (KFOR); 5,000-5,500 from March 2011; just under 6,000 in February 2013 (NATO JFC "
    "Naples); 4,273 in February 2017 (NATO, KFOR Key Facts and Figures). Between dated figures strengths are "
    "interpolated linearly",
    "GDPHEAD": "Real GDP per head of the destinations, 2000 = 1, which the shipped demand paths follow (income "
    "elasticity 1, an assumption; the levels of 2000 are assumptions; the CIS-like destination's demand for forced "
    "labour keeps an assumed path after Russia's construction boom). EU-28: Eurostat tsdec100, growth "
    "2001-2015 of 1.7, 1.0, 1.1, 2.1, 1.7, 3.0, 2.7, -0.1, -4.8, 1.7, 1.5, -0.7, -0.3, 1.1, 1.7% (2013-2015 "
    "forecasts), 1.0% a year on average 2002-2017 (Eurostat, SDG 8 annex, 2018). Russia (real GDP; population "
    "nearly constant): 6.9% a year 1999-2008 (IMF), -7.8% in 2009, +0.6% in 2014, -2.8% in 2015, -0.2% in 2016, "
    "+1.5% in 2017 (Rosstat, as reported). Bosnia and Herzegovina: 5.5, 4.5, 5.5, 3.0, 6.0, 5.5% in 2000-2005 "
    "(Central Bank of BiH), above 5% a year 2003-2008, about -3% in 2009, stagnant 2010-2013 (CIA World "
    "Factbook). Years not listed are assumptions (EU 2016-2019: 1.8, 2.4, 1.8, 1.4%; Russia 2010-2013: 4.5, "
    "4.3, 3.5, 1.3%, 2018-2019: 2.3, 1.3%; Bosnia 2006-2008: 5.5%, 2014-2019: 2% a year)",
    "IOMUA": "IOM Ukraine surveys (2011, 2013, 2017): 7-9% faced a trafficking attempt themselves or "
    "close to them; about 1 in 5 would accept a risky job offer abroad",
    "EPRS2016": "European Parliamentary Research Service, The gender dimension of human trafficking (briefing, "
    "February 2016), Figure 2 from Eurostat, Trafficking in human beings (2015 edition): of the EU's registered "
    "victims 2010-2012, 95% of those in sexual exploitation women and girls, 71% of those in labour exploitation men",
    "CTDC2020": "Counter Trafficking Data Collaborative (IOM), global victim dataset, release of 14 April 2020 "
    "(48,801 records, 2002-2019), tabulated by age band (ageBroad) and citizenship: of victims of known age from "
    "Ukraine, Moldova, Romania and Bulgaria about 10% aged 45 or over (48+ and a third of 39-47; Ukraine 15.5%, "
    "Moldova 5.2%); small cells suppressed by the dataset's k-anonymisation",
    "IOMMD": "IOM Moldova: recruiters increasingly persons close to the victim (acquaintances, "
    "relatives, former victims)",
    "CLEMENS2020": "Clemens, 'The Emigration Life Cycle', CGD Working Paper 540 (2020): elasticity of "
    "emigration to GDP per capita about +0.35 (all destinations), +0.74 (rich destinations)",
    "BDO2011": "Beine, Docquier & Ozden, 'Diasporas', Journal of Development Economics 95(1), 2011: "
    "diasporas explain about 71% of the variation in migration flows",
    "ILOMIG": "ILO labour migration surveys: 62.6% of Moldova's short-term migrants stayed abroad "
    "under six months (2012); about half of Ukrainian labour migrants are short-term",
    "ILOYU": "ILO modelled estimates: youth unemployment (15-24) Bulgaria 33.2% (2000), 22.4% (2005), "
    "12.8% (2008); Romania 18.0% (2000); Moldova near 37% (2000)",
    "UNDESA": "UN DESA International Migrant Stock; national sources: Ukraine about 5.9 million "
    "abroad (2019), Romania about 3.4 million (2015)",
    "FLEE2017": "Suleimenova, Bell & Groen, 'A generalized simulation development approach for "
    "predicting refugee destinations', Scientific Reports 7:13377 (2017)",
    "UKRSTAT": "State Statistics Service of Ukraine, labour force survey: ILO unemployment 12.4% (2000), "
    "11.7, 10.3, 9.7, 9.2, 7.8, 7.4, 6.9, 6.9 (2008), 9.6 (2009), 8.8% (2010)",
    "UKRSTAT2003": "State Statistics Service of Ukraine, birth rates by mother's age (2003): TFR 1.147; "
    "births per 1,000 women 29.0 (15-19), 92.3 (20-24), 67.1 (25-29), 33.0 (30-34), 10.9 (35-39), 2.0 (40-44): "
    "mean age at birth 25.6, spread 5.4 years",
    "CIA": "CIA World Factbook: Ukraine 1999 est. ages 0-14 18.4%, 15-64 67.7%, 65+ 13.9%, births 9.5 and "
    "deaths 16.4 per 1,000; Ukraine 2005 est. life expectancy 61.6 (men), 72.4 (women)",
    "CENSUS2001": "All-Ukrainian Population Census 2001: 12.9% of persons aged 10+ with complete higher "
    "education, 31.3% with any higher education",
    "WB2019": "World Bank, Europe and Central Asia Economic Update, Migration and Brain Drain (October 2019): "
    "almost 40% of emigrants from Moldova and Romania have tertiary education",
    "IOMMD2006": "IOM Moldova, Trafficking as it is: A Statistical Profile, 2005-2006 update: 82% of assisted "
    "victims sexually exploited, about 11% labour; 265 (2005) and 295 (2006) new victims assisted",
    "ETF2009": "European Training Foundation, Black Sea Labour Market Reviews: Moldova (2009): migrants "
    "abroad 99,300 (1999), 394,500 (2005); 87% aged 20-49",
    "ILO2013": "ILO, Labour Migration Survey of Ukraine 2012 (press release 31 May 2013): 1.2 million labour "
    "migrants, 48.5% short-term, two-thirds men, 43.2% in Russia",
    "UKRSTATTFR": "State Statistics Service of Ukraine, total fertility rate: 1.08 (2001, the lowest), 1.147 (2003), "
    "1.211 (2005), 1.317 (2007), 1.453 (2009), 1.459 (2011), 1.531 (2012), 1.506 (2015), 1.374 (2017), 1.228 (2019)",
    "UKRSTATLE": "State Statistics Service of Ukraine, life expectancy at birth: about 67-68 years for both sexes "
    "from 1996 to 2007, rising from 2008; men 66.3 and women 76.1 (2016), men 66.92 and women 76.98 (2019); "
    "with the CIA's 2005 estimate (men 61.6, women 72.4) for the years before 2008",
    "UKRPENSION": "Law of Ukraine 'On Pension Provision' (1991): old-age pension at 60 for men and 55 for women "
    "(the women's age rose gradually to 60 from 2011)",
    "ILOLFS": "ILO, Resolution concerning statistics of the economically active population (13th ICLS, 1982) and "
    "labour force survey practice: labour force measured from age 15; youth are persons aged 15-24",
    "UNAGES": "UN DESA, World Population Prospects: working-age population 15-64, old-age dependency ratio as "
    "persons 65+ per person 15-64 (a statistical convention)",
    "TIP": "US Department of State: Moldova 103 persons convicted of trafficking in 2007 (embassy reporting); "
    "Ukraine 37 convictions in the first half of 2009",
    "UALAWS": "Ukraine: art. 124-1 of the 1960 Criminal Code (law of March 1998), trafficking punished by up to 8 "
    "years (La Strada Ukraine, April 1998); art. 149 of the Criminal Code of 2001, in force 1 September 2001 (a "
    "date these sources do not confirm), 3 to 8 years; art. 149 amended by Law no. 3316-IV of 12 January 2006 to "
    "the Palermo Protocol's definition (recruitment, transportation, harbouring or receipt of a person for "
    "exploitation by deceit, blackmail or abuse of a vulnerable condition), 3 to 8 years unchanged",
    "CODES": "Criminal codes: Ukraine Art. 149 part 1 (2001), 3 to 8 years; Moldova Art. 165 part 1 (2002), 7 to 15 "
    "years (5 to 12 from 2009); Romania Law 678/2001, 3 to 13 years (US TIP report 2007); Bulgaria Art. 159a (2002), "
    "1 to 8 years",
    "KARA2009": "Kara, Sex Trafficking: Inside the Business of Modern Slavery (Columbia University Press, 2009): "
    "purchase price of a victim between traffickers about US$1,895 on world average, US$4,800 in Western Europe",
    "CHALFIN2017": "Chalfin & McCrary, 'Criminal Deterrence: A Review of the Literature', Journal of Economic "
    "Literature 55(1), 2017: crime responds to the certainty of punishment far more than to its severity",
    "EMCDDA2019": "EMCDDA and Europol, EU Drug Markets Report 2019: heroin seizures in the EU about 5 tonnes a "
    "year, less than 5% of the 149 tonnes consumed (2017)",
    "LASTRADA": "La Strada Moldova, as reported by RFE/RL (2005) and IPN/UNODC: victims aged 15-18 were 15% of "
    "Moldova's victims in 2001-2004; women about 70% of identified victims until 2014",
}
