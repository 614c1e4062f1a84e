# MFCCs of a small made-up mel spectrogram (8 mel bands, 3 frames): 5 coefficients per frame.
set mel [torch::tensor_create {{1.0 2.0 4.0} {2.0 3.0 4.0} {4.0 3.0 2.0} {8.0 1.0 1.0}
                               {4.0 1.0 2.0} {2.0 2.0 3.0} {1.0 4.0 1.0} {0.5 1.0 0.5}}]
set c [torch::mfcc $mel 5]
puts "shape [torch::tensor_shape $c]"
puts [torch::tensor_print [torch::mfcc -spectrogram $mel -nMfcc 2]]
