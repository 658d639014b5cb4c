import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.spec.*;
import java.util.*;
import org.bouncycastle.asn1.*;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.*;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.*;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * BouncyCastle (Debian's libbcprov-java and libbcpkix-java) as a peer for Sealpost's Ed25519 and X25519
 * interop test (src/bouncycastle.test.ts compiles this with javac at test time): bare CMS (DER) in and
 * out, files named on the command line, exit status 0 only on success.
 */
public final class SealpostBc {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    // BC 1.72's CMS looks the KeyAgreeRecipientInfo's scheme up by OID, which BC maps to its EC agreement
    // only: dhSinglePass-stdDH-sha256kdf-scheme is mapped here to BC's own X25519 with the X9.63 KDF (RFC 8418 2.1).
    Security.insertProviderAt(new X25519Cms(), 1);
    switch (args[0]) {
      case "sign" -> sign(args[1], args[2], args[3], Boolean.parseBoolean(args[4]), args[5]);
      case "verify" -> verify(args[1], args[2].equals("-") ? null : args[2], args[3]);
      case "encrypt" -> encrypt(args[1], args[2], args[3], args[4]);
      case "decrypt" -> decrypt(args[1], args[2], args[3], args[4]);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static final class X25519Cms extends Provider {
    X25519Cms() {
      super("SealpostX25519Cms", "1.0", "BouncyCastle X25519withSHA256KDF under the dhSinglePass-stdDH-sha256kdf-scheme OID");
      put("KeyAgreement.1.3.132.1.11.1", "org.bouncycastle.jcajce.provider.asymmetric.edec.KeyAgreementSpi$X25519withSHA256KDF");
    }
  }

  static byte[] pem(String path) throws IOException {
    try (PemReader reader = new PemReader(new FileReader(path))) { return reader.readPemObject().getContent(); }
  }

  static X509Certificate certificate(String path) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509", "BC").generateCertificate(new ByteArrayInputStream(pem(path)));
  }

  static PrivateKey privateKey(String path, String algorithm) throws Exception {
    return KeyFactory.getInstance(algorithm, "BC").generatePrivate(new PKCS8EncodedKeySpec(pem(path)));
  }

  /** sign CERT KEY CONTENT DETACHED OUT: Ed25519 (RFC 8419), signed attributes, the digest BC pairs with it (SHA-512). */
  static void sign(String certPath, String keyPath, String contentPath, boolean detached, String out) throws Exception {
    X509Certificate cert = certificate(certPath);
    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
    generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC").build("Ed25519", privateKey(keyPath, "Ed25519"), cert));
    generator.addCertificates(new JcaCertStore(List.of(cert)));
    CMSSignedData signed = generator.generate(new CMSProcessableByteArray(Files.readAllBytes(Path.of(contentPath))), !detached);
    Files.write(Path.of(out), signed.getEncoded(ASN1Encoding.DER));
  }

  /** verify CMS CONTENT|- ANCHOR: every signer's signature with its embedded certificate, which the anchor must have signed. */
  static void verify(String cmsPath, String contentPath, String anchorPath) throws Exception {
    byte[] cms = Files.readAllBytes(Path.of(cmsPath));
    CMSSignedData signed = contentPath == null ? new CMSSignedData(cms) : new CMSSignedData(new CMSProcessableByteArray(Files.readAllBytes(Path.of(contentPath))), cms);
    X509Certificate anchor = certificate(anchorPath);
    Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
    if (signers.isEmpty()) throw new CMSException("no signers");
    for (SignerInformation signer : signers) {
      @SuppressWarnings("unchecked")
      Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
      X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().setProvider("BC").getCertificate(matches.iterator().next());
      cert.verify(anchor.getPublicKey(), "BC");
      if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(cert)))
        throw new CMSException("signature does not verify");
      System.out.println("signer " + cert.getSubjectX500Principal() + " " + signer.getDigestAlgOID() + " " + signer.getEncryptionAlgOID());
    }
    if (contentPath == null) System.out.write((byte[]) signed.getSignedContent().getContent());
    System.out.flush();
  }

  /** encrypt CERT CONTENT CIPHER OUT: X25519 (RFC 8418) with the X9.63 KDF over SHA-256 and AES key wrap; CIPHER aes-256-gcm or aes-256-cbc. */
  static void encrypt(String certPath, String contentPath, String cipher, String out) throws Exception {
    X509Certificate cert = certificate(certPath);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519", "BC");
    KeyPair ephemeral = generator.generateKeyPair();
    JceKeyAgreeRecipientInfoGenerator recipient = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP);
    recipient.addRecipient(cert);
    byte[] content = Files.readAllBytes(Path.of(contentPath));
    byte[] encoded;
    if (cipher.equals("aes-256-gcm")) {
      CMSAuthEnvelopedDataGenerator g = new CMSAuthEnvelopedDataGenerator();
      g.addRecipientInfoGenerator(recipient);
      encoded = g.generate(new CMSProcessableByteArray(content), (org.bouncycastle.operator.OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).setProvider("BC").build()).getEncoded();
    } else {
      CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
      g.addRecipientInfoGenerator(recipient);
      encoded = g.generate(new CMSProcessableByteArray(content), new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider("BC").build()).getEncoded();
    }
    Files.write(Path.of(out), ASN1Primitive.fromByteArray(encoded).getEncoded(ASN1Encoding.DER));
  }

  /** decrypt CMS CERT KEY OUT: the recipient named by CERT, with its X25519 key. */
  static void decrypt(String cmsPath, String certPath, String keyPath, String out) throws Exception {
    byte[] cms = Files.readAllBytes(Path.of(cmsPath));
    X509Certificate cert = certificate(certPath);
    PrivateKey key = privateKey(keyPath, "X25519");
    ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(cms));
    RecipientInformationStore recipients = info.getContentType().equals(CMSObjectIdentifiers.authEnvelopedData)
      ? new CMSAuthEnvelopedData(cms).getRecipientInfos()
      : new CMSEnvelopedData(cms).getRecipientInfos();
    RecipientInformation recipient = recipients.get(new JceKeyAgreeRecipientId(cert));
    if (recipient == null) throw new CMSException("no recipient for this certificate");
    Files.write(Path.of(out), recipient.getContent(new JceKeyAgreeEnvelopedRecipient(key).setContentProvider("BC")));
  }
}
