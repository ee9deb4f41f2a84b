/*
 * gen_names.c — institutions, their account-name catalogues, and drawing
 * one account (name, type, mask) at an institution.
 *
 * The institutions and catalogues do not depend on --seed (they come from a
 * fixed stream), so ids such as ins_3 mean the same bank in every data set;
 * only the items drawn from them vary with the seed.
 */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_N_PROD_INST 2000
#define GEN_INST_ZIPF 1.1		/* institution sizes */
#define GEN_CAT_EXPONENT 1.0	/* name popularity inside a catalogue */
#define GEN_CAT_OFFSET 2.0		/* flattens the very top of a catalogue */
#define GEN_NICK_RATE 0.05		/* accounts renamed by their user */
#define GEN_LEGACY_SHARE 0.20	/* production items in the legacy shape */
#define GEN_CATALOG_SEED UINT64_C(0x1A2B3C4D5E6F7081)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const GenKindInfo gen_kinds[GEN_KIND_COUNT] = {
	[GEN_KIND_CHECKING] = {"depository", "checking", "Checking"},
	[GEN_KIND_SAVINGS] = {"depository", "savings", "Savings"},
	[GEN_KIND_CD] = {"depository", "cd", "Certificate of Deposit"},
	[GEN_KIND_MONEY_MARKET] = {"depository", "money market", "Money Market"},
	[GEN_KIND_HSA] = {"depository", "hsa", "Health Savings Account"},
	[GEN_KIND_CREDIT_CARD] = {"credit", "credit card", "Credit Card"},
	[GEN_KIND_MORTGAGE] = {"loan", "mortgage", "Mortgage"},
	[GEN_KIND_STUDENT] = {"loan", "student", "Student Loan"},
	[GEN_KIND_AUTO] = {"loan", "auto", "Auto Loan"},
	[GEN_KIND_HOME_EQUITY] = {"loan", "home equity", "Home Equity Line"},
	[GEN_KIND_IRA] = {"investment", "ira", "IRA"},
	[GEN_KIND_401K] = {"investment", "401k", "401(k)"},
	[GEN_KIND_BROKERAGE] = {"investment", "brokerage", "Brokerage"},
};

enum
{
	K_CHK = GEN_KIND_CHECKING, K_SAV = GEN_KIND_SAVINGS, K_CD = GEN_KIND_CD,
	K_MM = GEN_KIND_MONEY_MARKET, K_HSA = GEN_KIND_HSA,
	K_CC = GEN_KIND_CREDIT_CARD, K_MTG = GEN_KIND_MORTGAGE,
	K_STU = GEN_KIND_STUDENT, K_AUTO = GEN_KIND_AUTO,
	K_HE = GEN_KIND_HOME_EQUITY, K_IRA = GEN_KIND_IRA,
	K_401 = GEN_KIND_401K, K_BRK = GEN_KIND_BROKERAGE
};

/* Plaid's default sandbox accounts: fixed names 0..7, masks 0000..7777. */
static const GenFixedName sandbox_names[GEN_N_SANDBOX_ACCOUNTS] = {
	{"Plaid Checking", K_CHK}, {"Plaid Saving", K_SAV}, {"Plaid CD", K_CD},
	{"Plaid Credit Card", K_CC}, {"Plaid Money Market", K_MM},
	{"Plaid IRA", K_IRA}, {"Plaid 401k", K_401}, {"Plaid Student Loan", K_STU},
};
static const char *const sandbox_official[GEN_N_SANDBOX_ACCOUNTS] = {
	"Plaid Gold Standard 0% Interest Checking",
	"Plaid Silver Standard 0.1% Interest Saving",
	"Plaid Bronze Standard 0.2% Interest CD",
	"Plaid Diamond 12.5% APR Interest Credit Card",
	"Plaid Platinum Standard 1.85% Interest Money Market",
	NULL, NULL, NULL,
};

/* Products of community banks and credit unions; the first are the core. */
static const GenFixedName generic_names[] = {
	{"Checking", K_CHK}, {"Savings", K_SAV}, {"Credit Card", K_CC},
	{"Share Savings", K_SAV}, {"Money Market", K_MM}, {"Share Draft", K_CHK},
	{"Free Checking", K_CHK}, {"Visa Platinum", K_CC},
	{"Interest Checking", K_CHK}, {"Premier Checking", K_CHK},
	{"Totally Free Checking", K_CHK}, {"Basic Checking", K_CHK},
	{"Student Checking", K_CHK}, {"Business Checking", K_CHK},
	{"Rewards Checking", K_CHK}, {"Kasasa Cash Checking", K_CHK},
	{"eChecking", K_CHK}, {"Senior Checking", K_CHK},
	{"Relationship Checking", K_CHK}, {"Advantage Checking", K_CHK},
	{"Classic Checking", K_CHK}, {"Smart Checking", K_CHK},
	{"Simply Free Checking", K_CHK}, {"Express Checking", K_CHK},
	{"High Interest Checking", K_CHK}, {"Regular Savings", K_SAV},
	{"Primary Share", K_SAV}, {"Statement Savings", K_SAV},
	{"High Yield Savings", K_SAV}, {"Holiday Club", K_SAV},
	{"Christmas Club", K_SAV}, {"Vacation Club", K_SAV},
	{"Youth Savings", K_SAV}, {"Kasasa Saver", K_SAV},
	{"Premier Savings", K_SAV}, {"Business Savings", K_SAV},
	{"Classic Savings", K_SAV}, {"Personal Savings", K_SAV},
	{"Online Savings", K_SAV}, {"12 Month CD", K_CD},
	{"Share Certificate", K_CD}, {"6 Month Certificate", K_CD},
	{"24 Month CD", K_CD}, {"Certificate of Deposit", K_CD},
	{"Platinum Rewards Visa", K_CC}, {"Visa Signature", K_CC},
	{"Cash Back Visa", K_CC}, {"Mastercard", K_CC}, {"Secured Visa", K_CC},
	{"Rewards Mastercard", K_CC}, {"Business Visa", K_CC},
	{"Visa Classic", K_CC}, {"Platinum Mastercard", K_CC},
	{"Auto Loan", K_AUTO}, {"Mortgage", K_MTG},
	{"Home Equity Line of Credit", K_HE}, {"Student Loan", K_STU},
	{"Used Vehicle Loan", K_AUTO}, {"New Auto Loan", K_AUTO}, {"HELOC", K_HE},
	{"Roth IRA", K_IRA}, {"Traditional IRA", K_IRA}, {"IRA Savings", K_IRA},
	{"IRA Share Certificate", K_IRA}, {"401(k)", K_401},
	{"Brokerage", K_BRK}, {"HSA", K_HSA}, {"Health Savings Account", K_HSA},
	{"Money Market Savings", K_MM}, {"Financial Certificate", K_CD},
};

/* Some institutions serve Spanish speakers: names with accents (NFD traps). */
static const GenFixedName spanish_names[] = {
	{"Cuenta Corriente", K_CHK}, {"Cuenta de Ahorros", K_SAV},
	{"Ahorro Navideño", K_SAV}, {"Cuenta Básica", K_CHK},
	{"Tarjeta de Crédito", K_CC}, {"Préstamo de Auto", K_AUTO},
	{"Cuenta Estudiantil", K_CHK}, {"Certificado de Depósito", K_CD},
};

static const GenFixedName chase_products[] = {
	{"Total Checking", K_CHK}, {"Chase Savings", K_SAV},
	{"Premier Plus Checking", K_CHK}, {"Freedom Unlimited", K_CC},
	{"Sapphire Preferred", K_CC}, {"Freedom Flex", K_CC},
	{"Chase College Checking", K_CHK}, {"Sapphire Reserve", K_CC},
	{"Chase Secure Banking", K_CHK}, {"Amazon Prime Rewards Visa Signature", K_CC},
	{"Premier Savings", K_SAV}, {"Chase Private Client Checking", K_CHK},
	{"United Explorer", K_CC}, {"Ink Business Cash", K_CC},
	{"Business Complete Checking", K_CHK}, {"Southwest Rapid Rewards Plus", K_CC},
	{"Slate Edge", K_CC}, {"Chase First Checking", K_CHK},
};
static const GenFixedName wells_products[] = {
	{"Everyday Checking", K_CHK}, {"Way2Save Savings", K_SAV},
	{"Active Cash Card", K_CC}, {"Clear Access Banking", K_CHK},
	{"Prime Checking", K_CHK}, {"Platinum Savings", K_SAV},
	{"Autograph Card", K_CC}, {"Reflect Card", K_CC},
	{"Premier Checking", K_CHK}, {"Wells Fargo Platinum Visa", K_CC},
	{"Home Mortgage", K_MTG}, {"Initiate Business Checking", K_CHK},
};
static const GenFixedName bofa_products[] = {
	{"Adv Plus Banking", K_CHK}, {"Advantage Savings", K_SAV},
	{"Customized Cash Rewards", K_CC}, {"Unlimited Cash Rewards", K_CC},
	{"Travel Rewards", K_CC}, {"Adv SafeBalance Banking", K_CHK},
	{"Adv Relationship Banking", K_CHK}, {"Premium Rewards", K_CC},
	{"BankAmericard", K_CC}, {"Business Advantage Fundamentals", K_CHK},
};
static const GenFixedName citi_products[] = {
	{"Regular Checking", K_CHK}, {"Citi Savings", K_SAV},
	{"Double Cash", K_CC}, {"Citi Priority", K_CHK}, {"Custom Cash", K_CC},
	{"Premier Card", K_CC}, {"Simplicity", K_CC},
	{"Costco Anywhere Visa", K_CC}, {"Access Account", K_CHK},
	{"Citi Accelerate Savings", K_SAV},
};
static const GenFixedName usaa_products[] = {
	{"USAA Classic Checking", K_CHK}, {"USAA Savings", K_SAV},
	{"Cashback Rewards Plus", K_CC}, {"Rate Advantage Platinum Visa", K_CC},
	{"USAA Preferred Cash Rewards", K_CC}, {"Youth Spending", K_CHK},
	{"Performance First Savings", K_SAV}, {"USAA Auto Loan", K_AUTO},
};
static const GenFixedName capone_products[] = {
	{"360 Checking", K_CHK}, {"360 Performance Savings", K_SAV},
	{"Quicksilver", K_CC}, {"Venture", K_CC}, {"SavorOne", K_CC},
	{"Platinum", K_CC}, {"VentureOne", K_CC}, {"Venture X", K_CC},
	{"360 CD", K_CD}, {"Auto Finance", K_AUTO},
};
static const GenFixedName amex_products[] = {
	{"Blue Cash Everyday", K_CC}, {"Gold Card", K_CC},
	{"Platinum Card", K_CC}, {"Blue Cash Preferred", K_CC},
	{"Green Card", K_CC}, {"High Yield Savings", K_SAV},
	{"Delta SkyMiles Gold", K_CC}, {"Hilton Honors", K_CC},
	{"Business Platinum", K_CC}, {"Rewards Checking", K_CHK},
};
static const GenFixedName pnc_products[] = {
	{"Virtual Wallet Spend", K_CHK}, {"Virtual Wallet Reserve", K_SAV},
	{"Virtual Wallet Growth", K_SAV}, {"Standard Savings", K_SAV},
	{"Cash Rewards Visa", K_CC}, {"Performance Checking", K_CHK},
	{"Premiere Money Market", K_MM}, {"Core Visa", K_CC},
};
static const GenFixedName usbank_products[] = {
	{"Easy Checking", K_CHK}, {"Standard Savings", K_SAV},
	{"Altitude Go", K_CC}, {"Cash+ Visa Signature", K_CC},
	{"Platinum Checking", K_CHK}, {"Elite Money Market", K_MM},
	{"Smartly Checking", K_CHK}, {"Visa Platinum", K_CC},
};
static const GenFixedName td_products[] = {
	{"TD Convenience Checking", K_CHK}, {"TD Simple Savings", K_SAV},
	{"TD Beyond Checking", K_CHK}, {"TD Cash Credit Card", K_CC},
	{"TD Complete Checking", K_CHK}, {"TD Signature Savings", K_SAV},
};
static const GenFixedName nfcu_products[] = {
	{"Share Savings", K_SAV}, {"Free Active Duty Checking", K_CHK},
	{"Everyday Checking", K_CHK}, {"cashRewards", K_CC}, {"Platinum", K_CC},
	{"Money Market Savings", K_MM}, {"More Rewards Amex", K_CC},
	{"Flagship Checking", K_CHK}, {"Mortgage", K_MTG},
};
static const GenFixedName schwab_products[] = {
	{"Investor Checking", K_CHK}, {"Brokerage", K_BRK}, {"Roth IRA", K_IRA},
	{"Contributory IRA", K_IRA}, {"Rollover IRA", K_IRA}, {"Schwab One", K_BRK},
};
static const GenFixedName fidelity_products[] = {
	{"Individual", K_BRK}, {"Roth IRA", K_IRA}, {"Cash Management", K_CHK},
	{"Traditional IRA", K_IRA}, {"401(k)", K_401}, {"Health Savings Account", K_HSA},
	{"Rollover IRA", K_IRA},
};
static const GenFixedName truist_products[] = {
	{"Truist One Checking", K_CHK}, {"Truist One Savings", K_SAV},
	{"Enjoy Cash", K_CC}, {"Bright Checking", K_CHK},
	{"Dimension Checking", K_CHK}, {"Personal Money Market", K_MM},
};
static const GenFixedName huntington_products[] = {
	{"Asterisk-Free Checking", K_CHK}, {"Perks Checking", K_CHK},
	{"Relationship Savings", K_SAV}, {"Voice Credit Card", K_CC},
	{"Huntington 5 Checking", K_CHK},
};
static const GenFixedName svb_products[] = {
	{"Analysis Checking", K_CHK}, {"Business Checking", K_CHK},
	{"Money Market", K_MM}, {"Innovators Card", K_CC},
};

/* The big institutions, in rank order of size; svb sits further down. */
typedef struct GenTopInst
{
	uint16_t	rank;			/* 1-based */
	const char *id;
	const char *brand;
	const char *legacy[2];
	bool		mapped[2];
	bool		tokenizes;
	const GenFixedName *products;
	uint32_t	n_products;
} GenTopInst;

#define P(a) a, N_OF(a)
static const GenTopInst top_insts[] = {
	{1, "ins_3", "Chase", {"chase", NULL}, {true, false}, true, P(chase_products)},
	{2, "ins_4", "Wells Fargo", {"wells", NULL}, {true, false}, false, P(wells_products)},
	{3, "ins_1", "Bank of America", {"bofa", NULL}, {true, false}, false, P(bofa_products)},
	{4, "ins_5", "Citi", {"citi", NULL}, {true, false}, true, P(citi_products)},
	{5, "ins_7", "USAA", {"usaa", NULL}, {true, false}, false, P(usaa_products)},
	{6, "ins_9", "Capital One", {"capone", NULL}, {true, false}, false, P(capone_products)},
	{7, "ins_10", "American Express", {"amex", NULL}, {true, false}, false, P(amex_products)},
	{8, "ins_13", "PNC", {"pnc", NULL}, {true, false}, true, P(pnc_products)},
	{9, "ins_127989", "U.S. Bank", {"us", NULL}, {true, false}, true, P(usbank_products)},
	{10, "ins_14", "TD Bank", {"td", NULL}, {true, false}, false, P(td_products)},
	{11, "ins_15", "Navy Federal Credit Union", {"nfcu", NULL}, {true, false}, false, P(nfcu_products)},
	{12, "ins_11", "Charles Schwab", {"schwab", NULL}, {true, false}, false, P(schwab_products)},
	{13, "ins_12", "Fidelity", {"fidelity", NULL}, {true, false}, false, P(fidelity_products)},
	{14, "ins_35", "Truist", {"suntrust", "bbt"}, {true, false}, false, P(truist_products)},
	{15, "ins_21", "Huntington", {NULL, NULL}, {false, false}, true, P(huntington_products)},
	{40, "ins_125", "Silicon Valley Bank", {"svb", NULL}, {false, false}, false, P(svb_products)},
};
#undef P

static const char *const sandbox_ids[] = {"ins_109508", "ins_109509", "ins_109510"};
static const char *const sandbox_brands[] = {
	"First Platypus Bank", "First Gingham Credit Union", "Tattersall Federal Credit Union"
};

static const char *const brand_first[] = {
	"First", "Citizens", "Peoples", "Farmers", "Community", "Heritage",
	"Pioneer", "Summit", "Liberty", "Frontier", "Valley", "Coastal", "Prairie",
	"Lakeside", "Mountain", "River City", "Keystone", "Granite", "Harbor",
	"Golden", "Pinnacle", "Cornerstone", "Evergreen", "Bayou", "Desert",
};
static const char *const brand_last[] = {
	"National Bank", "Credit Union", "Savings Bank", "Federal Credit Union",
	"Bank & Trust", "State Bank", "Community Bank", "Teachers Credit Union",
	"Employees Credit Union", "Bank", "Schools FCU", "Trust Company",
};

/* Combinatorial rare names: "<adjective> <adjective> <product>". */
static const char *const combo_adj[] = {
	"Premier", "Platinum", "Select", "Advantage", "Essential", "Everyday",
	"Preferred", "Elite", "Classic", "Smart", "Simple", "Value", "Signature",
	"Choice", "Prime", "Gold", "Relationship", "Freedom", "Heritage", "Summit",
	"Pinnacle", "Legacy", "Horizon", "Liberty", "Patriot", "Eagle", "Pioneer",
	"Sterling", "Cornerstone", "Keystone",
};
static const GenFixedName combo_product[] = {
	{"Checking", K_CHK}, {"Savings", K_SAV}, {"Money Market", K_MM},
	{"Rewards Visa", K_CC}, {"Mastercard", K_CC}, {"Certificate", K_CD},
	{"IRA", K_IRA}, {"Business Checking", K_CHK}, {"Cash Back Card", K_CC},
	{"Club Savings", K_SAV},
};
#define N_COMBO (N_OF(combo_adj) * N_OF(combo_adj) * N_OF(combo_product))

/* User nicknames: "<prefix> <label>[ <n>]". */
static const char *const nick_prefix[] = {
	"Joint", "Our", "Kids", "Emergency", "House", "Family", "Main", "Travel",
	"Wedding", "Baby", "Car", "Tax", "Bills", "Spending", "Rainy Day", "Mom's",
	"Dad's", "Sam's", "Maria's", "Zoë's", "José's", "Oma's", "Big", "Little",
	"Old", "New", "Side Hustle", "College", "Holiday", "Pet", "Dream", "Fun",
	"Christmas", "Summer", "Gift", "Health", "Groceries", "Business", "Gas",
	"Everyday",
};
static const char *const nick_label[] = {
	"Checking", "Savings", "Fund", "Account", "Money", "Stash", "Jar", "Pot",
	"Reserve", "Goals", "\xF0\x9F\x92\xB0", "\xF0\x9F\x8F\xA0 Fund",
	"\xE2\x9C\x88 Trip", "\"Fun\" Money", "Rent\\Bills", "Ahorros", "Cuenta",
	"Sparbuch", "Große Reise", "Café Fund", "Nest Egg", "Cushion", "Buffer",
	"Float", "Kitty",
};
#define N_NICK_SUFFIX 64		/* suffix values >= 40 append a number */

/*
 * gen_sandbox_official — official_name of sandbox account code (a fixed
 * name index 0..7), or NULL.  Static storage.
 */
const char *
gen_sandbox_official(uint32_t code)
{
	return code < GEN_N_SANDBOX_ACCOUNTS ? sandbox_official[code] : NULL;
}

/*
 * gen_names_append — copy n fixed names into names[*n_names..]; returns the
 * index of the first.  names must have room (sized by the caller).
 */
static uint32_t
gen_names_append(GenFixedName *names, uint32_t *n_names,
				 const GenFixedName *src, size_t n)
{
	uint32_t	first = *n_names;

	memcpy(names + first, src, n * sizeof(*src));
	*n_names += (uint32_t) n;
	return first;
}

/*
 * gen_catalog_fill — the catalogue of one production institution: its own
 * products (most popular first) or a shuffled pick of the generic pool, then
 * a few combinatorial rare names.  Writes up to cap codes into codes[] and
 * returns how many.  generic/spanish are fixed-name index ranges.
 */
static uint32_t
gen_catalog_fill(GenRng *r, uint32_t rank, const GenTopInst *top,
				 uint32_t top_first, uint32_t generic_first,
				 uint32_t spanish_first, uint32_t *codes, uint32_t cap)
{
	uint32_t	n = 0;
	uint32_t	size = 8 + (uint32_t) (72.0 / (1.0 + (rank - 1) / 6.0));
	uint32_t	n_combo = 1 + size / 8;
	bool		spanish = (rank % 29) == 7;

	if (size + n_combo > cap)
		size = cap - n_combo;
	if (top)
		for (uint32_t i = 0; i < top->n_products && n < size; i++)
			codes[n++] = GEN_NAME_MAKE(GEN_NAME_FIXED, top_first + i);
	else
	{
		/* two or three of the core names lead, in a random order */
		uint32_t	core = 3 + gen_rng_below(r, 3);

		for (uint32_t i = 0; i < core; i++)
			codes[n++] = GEN_NAME_MAKE(GEN_NAME_FIXED, generic_first + i);
		for (uint32_t i = n - 1; i > 0; i--)
		{
			uint32_t	j = gen_rng_below(r, i + 1);
			uint32_t	t = codes[i];

			codes[i] = codes[j];
			codes[j] = t;
		}
		if (spanish)
			for (uint32_t i = 0; i < N_OF(spanish_names) && n < size; i += 1 + gen_rng_below(r, 2))
				codes[n++] = GEN_NAME_MAKE(GEN_NAME_FIXED, spanish_first + i);
	}
	while (n < size)
	{
		uint32_t	code = GEN_NAME_MAKE(GEN_NAME_FIXED,
										 generic_first + gen_rng_below(r, N_OF(generic_names)));
		bool		dup = false;

		for (uint32_t i = 0; i < n && !dup; i++)
			dup = codes[i] == code;
		if (!dup)
			codes[n++] = code;
	}
	for (uint32_t i = 0; i < n_combo; i++)
		codes[n++] = GEN_NAME_MAKE(GEN_NAME_COMBO, gen_rng_below(r, (uint32_t) N_COMBO));
	return n;
}

/*
 * gen_catalog_build — fill g->inst, g->inst_cdf, g->names and the
 * catalogues.  Allocates them (freed by gen_catalog_free).  Returns false
 * when out of memory (reported here).
 */
bool
gen_catalog_build(Gen *g)
{
	GenRng		r;
	GenFixedName *names;
	uint32_t	n_names = 0;
	uint32_t	top_first[N_OF(top_insts)];
	uint32_t	generic_first;
	uint32_t	spanish_first;
	size_t		n_fixed = GEN_N_SANDBOX_ACCOUNTS + N_OF(generic_names) + N_OF(spanish_names);
	size_t		cat_cap = 0;
	double		total = 0;
	double		legacy_mass = 0;

	gen_rng_seed(&r, GEN_CATALOG_SEED);
	for (size_t i = 0; i < N_OF(top_insts); i++)
		n_fixed += top_insts[i].n_products;
	g->n_prod_inst = GEN_N_PROD_INST;
	g->n_inst = GEN_N_PROD_INST + (uint32_t) N_OF(sandbox_ids);
	names = malloc(n_fixed * sizeof(*names));
	g->inst = calloc(g->n_inst, sizeof(*g->inst));
	g->inst_cdf = malloc(GEN_N_PROD_INST * sizeof(*g->inst_cdf));
	cat_cap = (size_t) g->n_inst * 96;
	g->cat_code = malloc(cat_cap * sizeof(*g->cat_code));
	g->cat_cdf = malloc(cat_cap * sizeof(*g->cat_cdf));
	g->names = names;
	if (!names || !g->inst || !g->inst_cdf || !g->cat_code || !g->cat_cdf)
	{
		fprintf(stderr, "itemdup-gen: out of memory\n");
		return false;
	}

	gen_names_append(names, &n_names, sandbox_names, GEN_N_SANDBOX_ACCOUNTS);
	generic_first = gen_names_append(names, &n_names, generic_names, N_OF(generic_names));
	spanish_first = gen_names_append(names, &n_names, spanish_names, N_OF(spanish_names));
	for (size_t i = 0; i < N_OF(top_insts); i++)
		top_first[i] = gen_names_append(names, &n_names, top_insts[i].products,
										 top_insts[i].n_products);
	g->n_names = n_names;
	g->name_checking = generic_first;
	g->name_savings = generic_first + 1;

	for (uint32_t i = 0; i < GEN_N_PROD_INST; i++)
	{
		GenInst    *in = &g->inst[i];
		uint32_t	rank = i + 1;
		const GenTopInst *top = NULL;
		size_t		t;
		double		w;

		for (t = 0; t < N_OF(top_insts); t++)
			if (top_insts[t].rank == rank)
			{
				top = &top_insts[t];
				break;
			}
		if (top)
		{
			snprintf(in->id, sizeof(in->id), "%s", top->id);
			snprintf(in->brand, sizeof(in->brand), "%s", top->brand);
			for (int k = 0; k < 2; k++)
			{
				in->legacy[k] = top->legacy[k];
				in->mapped[k] = top->mapped[k];
			}
			in->tokenizes = top->tokenizes;
		}
		else
		{
			/* two statements: argument order is unspecified in C */
			uint32_t	first = gen_rng_below(&r, N_OF(brand_first));
			uint32_t	last = gen_rng_below(&r, N_OF(brand_last));

			snprintf(in->id, sizeof(in->id), "ins_%u", 100000 + rank * 7);
			snprintf(in->brand, sizeof(in->brand), "%s %s", brand_first[first], brand_last[last]);
		}
		/* some institutions return names in upper case, none of the top */
		in->upper = rank > 20 && gen_rng_chance(&r, 0.15);
		in->cat_first = g->n_cat;
		in->cat_n = gen_catalog_fill(&r, rank, top, top ? top_first[t] : 0,
									 generic_first, spanish_first,
									 g->cat_code + g->n_cat, 96);
		w = 0;
		for (uint32_t k = 0; k < in->cat_n; k++)
		{
			w += 1.0 / pow(k + GEN_CAT_OFFSET, GEN_CAT_EXPONENT);
			g->cat_cdf[g->n_cat + k] = w;
		}
		for (uint32_t k = 0; k < in->cat_n; k++)
			g->cat_cdf[g->n_cat + k] /= w;
		g->n_cat += in->cat_n;

		w = 1.0 / pow(rank, GEN_INST_ZIPF);
		total += w;
		g->inst_cdf[i] = total;
		if (in->legacy[0])
			legacy_mass += w;
	}
	for (uint32_t i = 0; i < GEN_N_PROD_INST; i++)
		g->inst_cdf[i] /= total;
	g->legacy_rate = GEN_LEGACY_SHARE / (legacy_mass / total);
	if (g->legacy_rate > 0.9)
		g->legacy_rate = 0.9;

	for (uint32_t s = 0; s < N_OF(sandbox_ids); s++)
	{
		GenInst    *in = &g->inst[GEN_N_PROD_INST + s];

		snprintf(in->id, sizeof(in->id), "%s", sandbox_ids[s]);
		snprintf(in->brand, sizeof(in->brand), "%s", sandbox_brands[s]);
		in->sandbox = true;
		if (s == 0)
		{
			in->legacy[0] = "fake_institution";
			in->mapped[0] = true;
		}
	}
	return true;
}

/* gen_catalog_free — release what gen_catalog_build allocated. */
void
gen_catalog_free(Gen *g)
{
	free((void *) g->names);
	free(g->inst);
	free(g->inst_cdf);
	free(g->cat_code);
	free(g->cat_cdf);
}

/*
 * gen_draw_mask — a mask as banks send them: mostly 4 digits, some 2-3
 * digits, a few alphanumeric share ids, ~2 % null ("" in mask).
 */
void
gen_draw_mask(GenRng *r, char mask[5])
{
	double		u = gen_rng_unit(r);
	int			len = 4;

	memset(mask, 0, 5);
	if (u < 0.02)
		return;
	if (u < 0.03)
		len = 2;
	else if (u < 0.05)
		len = 3;
	else if (u < 0.065)
	{
		static const char letters[] = "SLCXABT";

		mask[0] = letters[gen_rng_below(r, sizeof(letters) - 1)];
		len = 1 + (int) gen_rng_below(r, 3);	/* 2-4 characters in all */
		for (int i = 1; i <= len; i++)
			mask[i] = (char) ('0' + gen_rng_below(r, 10));
		return;
	}
	for (int i = 0; i < len; i++)
		mask[i] = (char) ('0' + gen_rng_below(r, 10));
}

/* gen_code_kind — the GenKind of a catalogue name code. */
static uint8_t
gen_code_kind(const Gen *g, uint32_t code)
{
	uint32_t	v = code & 0x3FFFFFFFu;

	if (GEN_NAME_TAG(code) == GEN_NAME_COMBO)
		return combo_product[v / (N_OF(combo_adj) * N_OF(combo_adj))].kind;
	return g->names[v].kind;
}

/*
 * gen_draw_account — one new real account at production institution inst
 * (or GEN_NO_INST): a name from its catalogue (or a user nickname), its
 * type, a mask, and a persistent id at tokenizing institutions.
 */
void
gen_draw_account(const Gen *g, GenRng *r, uint16_t inst, GenAccount *a)
{
	memset(a, 0, sizeof(*a));
	a->ident = gen_rng_next(r) | 1;
	if (inst == GEN_NO_INST)
	{
		a->kind = gen_rng_chance(r, 0.7) ? K_CHK : K_SAV;
		a->name = GEN_NAME_MAKE(GEN_NAME_FIXED, a->kind == K_CHK ? g->name_checking : g->name_savings);
	}
	else if (gen_rng_chance(r, GEN_NICK_RATE))
	{
		a->kind = gen_rng_chance(r, 0.6) ? K_CHK : K_SAV;
		a->name = GEN_NAME_MAKE(GEN_NAME_NICK, (uint32_t) gen_rng_next(r));
	}
	else
	{
		const GenInst *in = &g->inst[inst];
		const double *cdf = g->cat_cdf + in->cat_first;
		double		u = gen_rng_unit(r);
		uint32_t	lo = 0;
		uint32_t	hi = in->cat_n - 1;

		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if (cdf[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		a->name = g->cat_code[in->cat_first + lo];
		a->kind = gen_code_kind(g, a->name);
		if (GEN_NAME_TAG(a->name) == GEN_NAME_FIXED &&
			(a->kind == K_MTG || a->kind == K_AUTO || a->kind == K_STU) &&
			gen_rng_chance(r, 0.5))
			a->name = GEN_NAME_MAKE(GEN_NAME_LOAN,
									((a->name & 0xFFFFu) << 14) | gen_rng_below(r, 1u << 14));
	}
	gen_draw_mask(r, a->mask);
	if (inst != GEN_NO_INST && g->inst[inst].tokenizes && gen_rng_chance(r, 0.92))
		a->flags |= GEN_ACCT_PID;
}

/*
 * gen_draw_sandbox_account — default sandbox account number which (0..7):
 * fixed name and mask, new ident.
 */
void
gen_draw_sandbox_account(GenRng *r, int which, GenAccount *a)
{
	memset(a, 0, sizeof(*a));
	a->ident = gen_rng_next(r) | 1;
	a->name = GEN_NAME_MAKE(GEN_NAME_FIXED, (uint32_t) which);
	a->kind = sandbox_names[which].kind;
	memset(a->mask, '0' + which, 4);
}

/*
 * gen_name_render — the name of code, as the bank or user spelled it
 * (UTF-8, before any GenVariant), into out (NUL-terminated, truncated to
 * size).  Returns its length.
 */
size_t
gen_name_render(const Gen *g, uint32_t code, char *out, size_t size)
{
	uint32_t	v = code & 0x3FFFFFFFu;
	int			n = 0;

	switch (GEN_NAME_TAG(code))
	{
		case GEN_NAME_FIXED:
			{
				size_t		len = strlen(g->names[v].name);

				if (len >= size)
					len = size - 1;
				memcpy(out, g->names[v].name, len);
				out[len] = '\0';
				return len;
			}
		case GEN_NAME_LOAN:
			n = snprintf(out, size, "%s #%05u", g->names[v >> 14].name, (v & 0x3FFFu) + 10000u);
			break;
		case GEN_NAME_COMBO:
			{
				uint32_t	na = (uint32_t) N_OF(combo_adj);

				n = snprintf(out, size, "%s %s %s", combo_adj[v % na],
							 combo_adj[(v / na) % na], combo_product[v / (na * na)].name);
				break;
			}
		case GEN_NAME_NICK:
			{
				uint32_t	np = (uint32_t) N_OF(nick_prefix);
				uint32_t	nl = (uint32_t) N_OF(nick_label);
				uint32_t	s = (v / (np * nl)) % N_NICK_SUFFIX;

				if (s >= 40)
					n = snprintf(out, size, "%s %s %u", nick_prefix[v % np],
								 nick_label[(v / np) % nl], s - 38);
				else
					n = snprintf(out, size, "%s %s", nick_prefix[v % np], nick_label[(v / np) % nl]);
				break;
			}
	}
	if (n < 0)
		n = 0;
	return (size_t) n < size ? (size_t) n : size - 1;
}
