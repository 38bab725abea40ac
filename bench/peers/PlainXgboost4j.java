import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The peer a user would write with xgboost4j alone: the native text loader, then the boosting loop
 * with the train watch evaluated and printed every round, then the model saved.
 *
 * <p>The loop is {@code update} + {@code evalSet} rather than {@code XGBoost.train} so that each
 * round's metric goes to stdout (train logs it through commons-logging); the model is the same.
 *
 * <p>Usage: {@code java -cp <classes>:<xgboost4j classpath> PlainXgboost4j <train.csv> <rounds> <model.ubj>}
 */
public final class PlainXgboost4j {

    public static void main(String[] args) throws XGBoostError {
        if (args.length != 3) {
            System.err.println("usage: PlainXgboost4j <train.csv> <rounds> <model.ubj>");
            System.exit(2);
        }
        String csv = args[0];
        int rounds = Integer.parseInt(args[1]);

        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("tree_method", "hist");
        params.put("max_depth", 6);
        params.put("eta", 0.1);
        params.put("eval_metric", "logloss");

        DMatrix train = new DMatrix(csv + "?format=csv&label_column=0");
        Booster booster = null;
        try {
            booster = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
            DMatrix[] watches = {train};
            String[] names = {"train"};
            for (int i = 0; i < rounds; i++) {
                booster.update(train, i);
                System.out.println(booster.evalSet(watches, names, i));
            }
            booster.saveModel(args[2]);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            train.dispose();
        }
    }
}
