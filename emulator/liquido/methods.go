package liquido

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Local payment methods' payment data: Pix BR Codes, boleto lines, CLABE
// accounts, the PSE bank list. Each is built to its real format, with real
// check digits, so merchant code that validates or renders them works.

// pixCode builds a Pix "BR Code" (the EMV merchant-presented QR payload of
// Banco Central do Brasil): TLV fields ID(2) LEN(2) VALUE, ending with a
// CRC16/CCITT-FALSE over everything before it including "6304".
// A dynamic code points at a location (here the hosted payment page, so
// opening it lets a person pay); a static one carries a Pix key.
func pixCode(dynamic bool, keyOrLocation string, amount int64, txid string) string {
	tlv := func(id, value string) string { return id + fmt.Sprintf("%02d", len(value)) + value }
	initiation, account := "11", tlv("00", "br.gov.bcb.pix")
	if dynamic {
		initiation = "12" // a dynamic code is used once
		account += tlv("25", keyOrLocation)
	} else {
		account += tlv("01", keyOrLocation)
	}
	payload := tlv("00", "01") +
		tlv("01", initiation) +
		tlv("26", account) +
		tlv("52", "0000") + // merchant category code: not informed
		tlv("53", "986") + // BRL
		tlv("54", fmt.Sprintf("%d.%02d", amount/100, amount%100)) +
		tlv("58", "BR") +
		tlv("59", "LIQUIDO BRASIL") +
		tlv("60", "SAO PAULO") +
		tlv("62", tlv("05", txid)) +
		"6304"
	return payload + fmt.Sprintf("%04X", crc16CCITT([]byte(payload)))
}

// crc16CCITT is CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no
// reflection, no final XOR — the checksum of EMV QR codes.
func crc16CCITT(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// pixTxid is a Pix transaction id: up to 25 letters and digits.
func pixTxid(key string) string {
	var b strings.Builder
	for _, r := range key {
		if (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() == 25 {
			break
		}
	}
	if b.Len() == 0 {
		return "***"
	}
	return b.String()
}

// boletoBank is the issuing bank of mockpay's boletos: Itaú (341), a common
// collection bank in Brazil (GUESS; Liquido does not say which bank issues).
const boletoBank = "341"

// boleto builds a bank boleto's 44-digit barcode and its 47-digit digitable
// line (linha digitável, FEBRABAN layout): bank(3) currency 9 DV(1)
// due-factor(4) value(10) free field(25) in the barcode; the line splits the
// same data into five fields with modulo-10 check digits.
func boleto(due time.Time, amount int64, free string) (barcode, line string) {
	head := boletoBank + "9"
	tail := dueFactor(due) + fmt.Sprintf("%010d", amount) + free
	dv := mod11(head + tail)
	barcode = head + dv + tail
	f1 := head + free[:5]
	f2 := free[5:15]
	f3 := free[15:25]
	line = f1 + mod10(f1) + f2 + mod10(f2) + f3 + mod10(f3) + dv + tail[:14]
	return barcode, line
}

// dueFactor counts days from 1997-10-07; FEBRABAN restarts it at 1000 once
// it reaches 10000 (on 2025-02-22).
func dueFactor(due time.Time) string {
	base := time.Date(1997, 10, 7, 0, 0, 0, 0, time.UTC)
	d := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
	days := int(d.Sub(base).Hours() / 24)
	for days > 9999 {
		days -= 9000
	}
	if days < 1000 {
		days = 1000
	}
	return strconv.Itoa(days)
}

// mod10 is the boleto line's field check digit: weights 2,1,2,… from the
// right, digits of each product summed.
func mod10(s string) string {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		p := int(s[i]-'0') * w
		sum += p/10 + p%10
		w = 3 - w
	}
	return strconv.Itoa((10 - sum%10) % 10)
}

// mod11 is the barcode's general check digit: weights 2…9 from the right;
// 0, 1, 10 and 11 become 1.
func mod11(s string) string {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	dv := 11 - sum%11
	if dv == 0 || dv == 1 || dv >= 10 {
		dv = 1
	}
	return strconv.Itoa(dv)
}

// clabe completes a 17-digit Mexican CLABE (bank 3, plaza 3, account 11)
// with its check digit: weights 3,7,1 repeating, products mod 10.
func clabe(first17 string) string {
	weights := [3]int{3, 7, 1}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += (int(first17[i]-'0') * weights[i%3]) % 10
	}
	return first17 + strconv.Itoa((10-sum%10)%10)
}

// pseBank is one entry of GET /v1/payments/charges/pse/banks. The field
// names are the ones Liquido's own Magento plugin reads from data[]
// (financial_institution_code, financial_institution_name).
type pseBank struct {
	Code string `json:"financial_institution_code"`
	Name string `json:"financial_institution_name"`
}

// pseBanks are Colombian banks with their ACH/PSE entity codes.
var pseBanks = []pseBank{
	{"1059", "BANCAMIA S.A."},
	{"1040", "BANCO AGRARIO"},
	{"1052", "BANCO AV VILLAS"},
	{"1013", "BANCO BBVA COLOMBIA S.A."},
	{"1032", "BANCO CAJA SOCIAL"},
	{"1066", "BANCO COOPERATIVO COOPCENTRAL"},
	{"1051", "BANCO DAVIVIENDA"},
	{"1001", "BANCO DE BOGOTA"},
	{"1023", "BANCO DE OCCIDENTE"},
	{"1062", "BANCO FALABELLA"},
	{"1012", "BANCO GNB SUDAMERIS"},
	{"1006", "BANCO ITAU"},
	{"1060", "BANCO PICHINCHA S.A."},
	{"1002", "BANCO POPULAR"},
	{"1065", "BANCO SANTANDER COLOMBIA"},
	{"1069", "BANCO SERFINANZA"},
	{"1007", "BANCOLOMBIA"},
	{"1061", "BANCOOMEVA S.A."},
	{"1283", "CFA COOPERATIVA FINANCIERA"},
	{"1009", "CITIBANK"},
	{"1370", "COLTEFINANCIERA"},
	{"1292", "CONFIAR COOPERATIVA FINANCIERA"},
	{"1289", "COTRAFA"},
	{"1551", "DAVIPLATA"},
	{"1801", "MOVII S.A."},
	{"1507", "NEQUI"},
	{"1151", "RAPPIPAY"},
	{"1019", "SCOTIABANK COLPATRIA"},
}

// bankTransferAccount is where a payer sends a bank transfer. The MX account
// is the documented example's (Liquido's ARCUS CLABE, reference §6) with a
// per-payment account number; the BR one follows the refund example's bank
// (332, ISPB 13140088) and is a GUESS.
func bankTransferAccount(countryCode, account string) bankAccountInfo {
	if countryCode == "BR" {
		return bankAccountInfo{
			BankCode: "332", BeneficiaryName: "LIQUIDO BRASIL LTDA", BankAccountNumber: account[len(account)-8:],
			BankAccountType: "CHECKING", BankName: "ACESSO SOLUCOES DE PAGAMENTO S.A.", BankBranchID: "0001", ISPB: "13140088",
		}
	}
	return bankAccountInfo{
		BankCode: "90706", BeneficiaryName: "MXNLIQUIDO SA DE CV", BankAccountNumber: clabe("706180" + account),
		BankAccountType: "CLABE", BankName: "ARCUS",
	}
}
